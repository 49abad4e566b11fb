import { generateKeyPair } from '@libp2p/crypto/keys'
import { describe, expect, it } from 'vitest'
import { createIdentity } from '../../../daemon/identity/identity.ts'
import { formatCredits, parseCredits } from '../../../daemon/ledger/amounts.ts'
import { type Receipt, receiptBytes, resultHash, sign, verify } from '../../../daemon/ledger/signed-docs.ts'

describe('credit amounts', () => {
  it('parses decimals into micro-credits and formats them back, without floats', () => {
    expect(parseCredits('0.5')).toBe(500_000n)
    expect(parseCredits('12')).toBe(12_000_000n)
    expect(parseCredits('0.000001')).toBe(1n)
    expect(parseCredits('1.0000001')).toBeUndefined()
    expect(parseCredits('-1')).toBeUndefined()
    expect(parseCredits('-1.25', true)).toBe(-1_250_000n)
    expect(parseCredits('1e3')).toBeUndefined()
    expect(formatCredits(2_500_000n)).toBe('2.5')
    expect(formatCredits(-3_250_000n)).toBe('-3.25')
    expect(formatCredits(0n)).toBe('0')
    // 0.1 + 0.2 is exact here.
    expect(formatCredits((parseCredits('0.1') ?? 0n) + (parseCredits('0.2') ?? 0n))).toBe('0.3')
  })
})

describe('receipts', () => {
  it('both parties sign the same canonical bytes; any changed field breaks both signatures', async () => {
    const provider = createIdentity(await generateKeyPair('Ed25519'))
    const requester = createIdentity(await generateKeyPair('Ed25519'))
    const receipt: Receipt = {
      taskId: 'task_01m82a1mm9w90hncc0af00js5t',
      requester: requester.did,
      provider: provider.did,
      skill: 'summarise',
      price: '2.5',
      resultHash: resultHash([Buffer.from('output').toString('base64')]),
      issuedAtMs: 1_763_800_000_000,
      providerSignature: '',
      requesterSignature: '',
      status: 'pending',
    }
    receipt.providerSignature = await sign(provider, receiptBytes(receipt))
    receipt.requesterSignature = await sign(requester, receiptBytes(receipt))
    expect(await verify(provider.did, receiptBytes(receipt), receipt.providerSignature)).toBe(true)
    expect(await verify(requester.did, receiptBytes(receipt), receipt.requesterSignature)).toBe(true)
    // Status and signatures are not signed content; price is.
    expect(
      await verify(provider.did, receiptBytes({ ...receipt, status: 'settled' }), receipt.providerSignature),
    ).toBe(true)
    expect(
      await verify(provider.did, receiptBytes({ ...receipt, price: '25' }), receipt.providerSignature),
    ).toBe(false)
    expect(await verify(requester.did, receiptBytes(receipt), receipt.providerSignature)).toBe(false)
    expect(await verify(provider.did, receiptBytes(receipt), '')).toBe(false)
  })

  it('hashes the output parts in order, length-prefixed', () => {
    const a = Buffer.from('ab').toString('base64')
    const b = Buffer.from('c').toString('base64')
    expect(resultHash([a, b])).not.toBe(resultHash([b, a]))
    expect(resultHash([Buffer.from('abc').toString('base64')])).not.toBe(resultHash([a, b]))
    expect(resultHash([])).toMatch(/^[0-9a-f]{64}$/)
  })
})
