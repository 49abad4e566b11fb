// Blob CIDs: only base32 CIDv1 raw sha2-256 is accepted, and the CID of content is the well-known one.
import { createHash } from 'node:crypto'
import { base32 } from 'multiformats/bases/base32'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { identity } from 'multiformats/hashes/identity'
import { sha256 } from 'multiformats/hashes/sha2'
import { describe, expect, it } from 'vitest'
import { cidOfDigest, digestOfCid, isBlobCid, parseBlobCid } from '../../../daemon/artifacts/cid.ts'

// sha256("") as CIDv1 raw: the empty blob's CID, as IPFS tools print it.
const EMPTY = 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku'

describe('blob CIDs', () => {
  it('computes the CIDv1 raw sha2-256 of content, the same as multiformats does in one go', async () => {
    expect(cidOfDigest(createHash('sha256').update('').digest())).toBe(EMPTY)
    const bytes = new TextEncoder().encode('hello moltmesh')
    const expected = CID.createV1(raw.code, await sha256.digest(bytes)).toString()
    const cid = cidOfDigest(createHash('sha256').update(bytes).digest())
    expect(cid).toBe(expected)
    expect(cid.startsWith('bafkrei')).toBe(true)
    expect(Buffer.from(digestOfCid(cid)).toString('hex')).toBe(
      createHash('sha256').update(bytes).digest('hex'),
    )
  })

  it('accepts canonical CIDs (trimmed) and refuses everything else as INVALID_CID', async () => {
    expect(parseBlobCid(` ${EMPTY} `)).toBe(EMPTY)
    expect(isBlobCid(EMPTY)).toBe(true)
    const dagPb = CID.createV1(0x70, await sha256.digest(new Uint8Array([1]))).toString(base32)
    const identityHash = CID.createV1(raw.code, identity.digest(new Uint8Array([1, 2, 3]))).toString(base32)
    const v0 = CID.createV0(await sha256.digest(new Uint8Array([1]))).toString()
    for (const bad of [
      '',
      'hello',
      EMPTY.toUpperCase(),
      `${EMPTY}aa`,
      EMPTY.slice(0, -3),
      dagPb,
      identityHash,
      v0,
      'b'.repeat(500),
      '../../etc/passwd',
    ]) {
      expect(() => parseBlobCid(bad), bad).toThrow(expect.objectContaining({ reason: 'INVALID_CID' }))
      expect(isBlobCid(bad)).toBe(false)
    }
  })
})
