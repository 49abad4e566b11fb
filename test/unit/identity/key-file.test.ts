import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ensureDataDir, KEY_FILE_NAME, loadOrCreateKey } from '../../../daemon/identity/key-file.ts'

describe('identity key file', () => {
  it('creates a 0600 key in a 0700 dir on first start and loads the same key later', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'mm-key-')), 'data')
    await ensureDataDir(dir)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    const first = await loadOrCreateKey(dir)
    expect(first.created).toBe(true)
    expect(statSync(join(dir, KEY_FILE_NAME)).mode & 0o777).toBe(0o600)
    const second = await loadOrCreateKey(dir)
    expect(second.created).toBe(false)
    expect(second.privateKey.publicKey.raw).toEqual(first.privateKey.publicKey.raw)
  })

  it('tightens loose permissions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-key-'))
    await loadOrCreateKey(dir)
    chmodSync(join(dir, KEY_FILE_NAME), 0o644)
    chmodSync(dir, 0o755)
    await ensureDataDir(dir)
    await loadOrCreateKey(dir)
    expect(statSync(join(dir, KEY_FILE_NAME)).mode & 0o777).toBe(0o600)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
  })

  it('refuses a corrupt key instead of silently changing identity', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-key-'))
    writeFileSync(join(dir, KEY_FILE_NAME), 'not a key')
    await expect(loadOrCreateKey(dir)).rejects.toMatchObject({ reason: 'IDENTITY_KEY_INVALID' })
  })
})
