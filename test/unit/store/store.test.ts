import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ClassicLevel } from 'classic-level'
import { describe, expect, it } from 'vitest'
import { openStore, SCHEMA_VERSION } from '../../../daemon/store/store.ts'

describe('store', () => {
  it('writes the schema version, persists JSON sublevels, and refuses a second opener', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-store-'))
    const store = await openStore(dir)
    const peers = store.sublevel<{ n: number }>('peers')
    await peers.put('a', { n: 1 })
    await expect(openStore(dir)).rejects.toMatchObject({ reason: 'DATA_DIR_LOCKED' })
    await store.close()

    const again = await openStore(dir)
    expect(await again.sublevel<{ n: number }>('peers').get('a')).toEqual({ n: 1 })
    expect(await again.db.sublevel('meta').get('schema-version')).toBe(String(SCHEMA_VERSION))
    await again.close()
  })

  it('refuses a database with another schema version', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-store-'))
    const db = new ClassicLevel<string, string>(join(dir, 'db'))
    await db.sublevel('meta').put('schema-version', '999')
    await db.close()
    await expect(openStore(dir)).rejects.toMatchObject({ reason: 'STORE_SCHEMA_MISMATCH' })
  })
})
