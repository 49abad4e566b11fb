import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ClassicLevel } from 'classic-level'
import { describe, expect, it } from 'vitest'
import { json, single, text } from '../../../daemon/store/codecs.ts'
import { num, object, str } from '../../../daemon/store/shape.ts'
import { openStore, SCHEMA_VERSION } from '../../../daemon/store/store.ts'

const demandShape = object<{ capability: string; count: number; lastAskedAtMs: number }>({
  capability: str,
  count: num,
  lastAskedAtMs: num,
})

describe('store', () => {
  it('writes the schema version, persists repositories, and refuses a second opener', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-store-'))
    const store = await openStore(dir)
    const demand = store.repository('discovery.demand', single(text), json(demandShape))
    await demand.put('a', { capability: 'a', count: 1, lastAskedAtMs: 5 })
    await expect(openStore(dir)).rejects.toMatchObject({ reason: 'DATA_DIR_LOCKED' })
    await store.close()

    const again = await openStore(dir)
    const reopened = again.repository('discovery.demand', single(text), json(demandShape))
    expect(await reopened.get('a')).toEqual({ capability: 'a', count: 1, lastAskedAtMs: 5 })
    expect(await again.db.sublevel('meta').get('schema-version')).toBe(String(SCHEMA_VERSION))
    // The value is the JSON text level's 'json' encoding wrote before repositories existed.
    expect(await again.db.sublevel('demand').get('a')).toBe('{"capability":"a","count":1,"lastAskedAtMs":5}')
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
