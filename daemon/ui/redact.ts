// No secret reaches the page: fields that carry one (webhook signing secrets, keys, passwords) are
// dropped from every API answer, whatever RPC produced it. The method table (rpc-bridge.ts) leaves out
// the RPCs whose whole point is a secret; this is the second line, by field name.

const SECRET_FIELD = /secret|private_?key|password|passphrase|^authorization$|tcp_?token|login_?token/i

export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets)
  if (value == null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) {
    if (!SECRET_FIELD.test(k)) out[k] = redactSecrets(v)
  }
  return out
}
