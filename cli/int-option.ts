// commander argument parser for integer options, so `--count abc` is a usage error instead of a 0 or
// NaN sent to the daemon.
import { InvalidArgumentError } from 'commander'

export function intOption(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value: string) => {
    const n = Number(value)
    if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(
        max === Number.MAX_SAFE_INTEGER
          ? `expected an integer >= ${min}`
          : `expected an integer from ${min} to ${max}`,
      )
    }
    return n
  }
}
