// Human-readable names: lowercase words (a-z, 0-9) joined by single hyphens, 3–63 characters.
import { echo } from '../errors/echo.ts'
import { invalidArgument } from '../errors/moltmesh-error.ts'

const NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/
export const MIN_NAME_LENGTH = 3
export const MAX_NAME_LENGTH = 63

/** "Swift Falcon" -> "swift-falcon"; throws INVALID_NAME for anything that is not a valid name then. */
export function normalizeName(input: string): string {
  const name = input.trim().toLowerCase().replace(/\s+/g, '-')
  if (name.length < MIN_NAME_LENGTH || name.length > MAX_NAME_LENGTH || !NAME.test(name)) {
    throw invalidArgument(
      'INVALID_NAME',
      `"${echo(input)}" is not a valid name: use ${MIN_NAME_LENGTH}-${MAX_NAME_LENGTH} lowercase letters and digits in words joined by hyphens (e.g. swift-falcon)`,
    )
  }
  return name
}
