import { createHmac } from 'node:crypto'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { describe, expect, it } from 'vitest'
import { verifyDidSignature } from '../../../daemon/identity/did.ts'
import { createIdentity } from '../../../daemon/identity/identity.ts'
import { delayBefore, parseSchedule, retryAfterMs } from '../../../daemon/webhooks/retry-schedule.ts'
import {
  isSecret,
  newSecret,
  signatureHeaders,
  signedContent,
  verifyHmac,
} from '../../../daemon/webhooks/signing.ts'

describe('Standard Webhooks signing', () => {
  it('matches the spec example (HMAC over "id.timestamp.body" with the base64 key)', () => {
    // The example from the Standard Webhooks specification.
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
    const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek'
    const timestamp = '1614265330'
    const body = '{"test": 2432232314}'
    const header = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
    expect(verifyHmac(secret, id, timestamp, body, header)).toBe(true)
    expect(verifyHmac(secret, id, timestamp, `${body} `, header)).toBe(false)
    expect(verifyHmac('whsec_AAAAAAAAAAAAAAAAAAAAAAAA', id, timestamp, body, header)).toBe(false)
  })

  it('signs both v1 and v1a; the v1a signature verifies against the DID', async () => {
    const identity = createIdentity(await generateKeyPair('Ed25519'))
    const secret = newSecret()
    expect(isSecret(secret)).toBe(true)
    expect(isSecret('whsec_short')).toBe(false)
    const headers = await signatureHeaders(
      secret,
      (d) => identity.sign(d),
      'whd_1',
      '{"a":1}',
      1_700_000_000_123,
    )
    expect(headers['webhook-timestamp']).toBe('1700000000')
    const [v1, v1a] = headers['webhook-signature']!.split(' ')
    const content = signedContent('whd_1', 1_700_000_000, '{"a":1}')
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64')
    expect(v1).toBe(`v1,${createHmac('sha256', key).update(content).digest('base64')}`)
    expect(await verifyDidSignature(identity.did, content, Buffer.from(v1a!.slice(4), 'base64'))).toBe(true)
  })

  it('signs only v1a when the target has no secret (an A2A push config without a token)', async () => {
    const identity = createIdentity(await generateKeyPair('Ed25519'))
    const headers = await signatureHeaders('', (d) => identity.sign(d), 'whd_2', '{}', 1_700_000_000_000)
    const parts = headers['webhook-signature']!.split(' ')
    expect(parts).toHaveLength(1)
    expect(parts[0]?.startsWith('v1a,')).toBe(true)
    const content = signedContent('whd_2', 1_700_000_000, '{}')
    expect(await verifyDidSignature(identity.did, content, Buffer.from(parts[0]!.slice(4), 'base64'))).toBe(
      true,
    )
  })
})

describe('retry schedule', () => {
  it('parses, jitters by at most 10% and ends', () => {
    const schedule = parseSchedule('0, 5000,300000')
    expect(schedule).toEqual([0, 5000, 300000])
    expect(delayBefore(schedule, 2, () => 0)).toBe(4500)
    expect(delayBefore(schedule, 2, () => 1)).toBe(5500)
    expect(delayBefore(schedule, 4)).toBeUndefined()
    expect(() => parseSchedule('1,-2')).toThrow()
  })

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('120')).toBe(120_000)
    expect(retryAfterMs(new Date(61_000).toUTCString(), 1_000)).toBe(60_000)
    expect(retryAfterMs('soon')).toBeUndefined()
    expect(retryAfterMs(undefined)).toBeUndefined()
  })
})
