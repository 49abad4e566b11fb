// Credit amounts as integers of micro-credits (6 decimals): never floating point. Text form is a
// decimal string ("12", "0.5", "-3.25").

const SCALE = 1_000_000n
const AMOUNT = /^(-)?(\d{1,18})(?:\.(\d{1,6}))?$/

/** "0.5" -> 500000n; undefined when not a decimal with at most 6 decimals (negative only if allowed). */
export function parseCredits(text: string, allowNegative = false): bigint | undefined {
  const m = AMOUNT.exec(text.trim())
  if (m == null || (m[1] != null && !allowNegative)) return undefined
  const value = BigInt(m[2] as string) * SCALE + BigInt((m[3] ?? '').padEnd(6, '0'))
  return m[1] != null ? -value : value
}

/** 500000n -> "0.5"; -3250000n -> "-3.25". */
export function formatCredits(micro: bigint): string {
  const sign = micro < 0n ? '-' : ''
  const abs = micro < 0n ? -micro : micro
  const whole = abs / SCALE
  const frac = (abs % SCALE).toString().padStart(6, '0').replace(/0+$/, '')
  return `${sign}${whole}${frac !== '' ? `.${frac}` : ''}`
}
