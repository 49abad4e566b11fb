// One classic-level database per daemon, with a sublevel per subsystem.
//
// Subsystems get typed sublevels from here and write related changes in one atomic `batch()` before
// acknowledging anything. The schema version key lets a newer daemon refuse (or migrate) an older
// layout instead of misreading it.

import { chmod, mkdir, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { AbstractBatchOperation } from 'abstract-level'
import { ClassicLevel } from 'classic-level'
import { MoltmeshError } from '../errors/moltmesh-error.ts'

/** Layout version of the database; bump with a migration when a sublevel's encoding changes. */
export const SCHEMA_VERSION = 1
const SCHEMA_KEY = 'schema-version'

/**
 * Every sublevel the daemon uses. Names are never reused for something else, even after removal,
 * so old data can never be misread by new code.
 */
export const SUBLEVELS = [
  'meta',
  'peers',
  'inbox',
  'outbox',
  'tasks',
  'blobs',
  'names',
  'cards',
  'ledger',
  'networks',
  'webhooks',
  'demand',
  'threads',
  'name-pins',
] as const
export type SublevelName = (typeof SUBLEVELS)[number]

export type Db = ClassicLevel<string, string>

/** A sublevel storing JSON values of type V under string keys. */
export type JsonSublevel<V> = ReturnType<typeof jsonSublevel<V>>

function jsonSublevel<V>(db: Db, name: SublevelName) {
  return db.sublevel<string, V>(name, { valueEncoding: 'json' })
}

/**
 * One write of a cross-sublevel batch. Subsystems that must change two sublevels together (a task
 * transition and the frame that tells the peer) collect these and commit them with `store.commit`.
 */
export type StoreOp =
  | { type: 'put'; key: string; value: unknown; sublevel: JsonSublevel<never> }
  | { type: 'del'; key: string; sublevel: JsonSublevel<never> }

export interface Store {
  readonly db: Db
  readonly path: string
  sublevel<V>(name: SublevelName): JsonSublevel<V>
  /** Writes ops from any sublevels in one atomic batch. */
  commit(ops: StoreOp[]): Promise<void>
  close(): Promise<void>
}

export async function openStore(dataDir: string): Promise<Store> {
  const path = join(dataDir, 'db')
  // Owner-only, like the data dir: the database holds messages, tasks and the ledger. LevelDB creates
  // its files with the process umask; earlier versions left them 0644 in a 0755 folder.
  await mkdir(path, { recursive: true, mode: 0o700 })
  await chmod(path, 0o700)
  const db: Db = new ClassicLevel<string, string>(path, { valueEncoding: 'utf8' })
  try {
    await db.open()
    for (const file of await readdir(path)) await chmod(join(path, file), 0o600).catch(() => undefined)
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause
    const locked = /lock/i.test(String(cause?.message ?? (err as Error).message))
    throw new MoltmeshError(
      'failed_precondition',
      locked ? 'DATA_DIR_LOCKED' : 'STORE_OPEN_FAILED',
      locked
        ? `database ${path} is locked by another process (is another daemon using this data dir?)`
        : `cannot open database ${path}: ${(err as Error).message}`,
      { cause: err },
    )
  }
  const meta = db.sublevel<string, string>('meta', { valueEncoding: 'utf8' })
  const stored = await meta.get(SCHEMA_KEY)
  if (stored === undefined) {
    await meta.put(SCHEMA_KEY, String(SCHEMA_VERSION))
  } else if (Number(stored) !== SCHEMA_VERSION) {
    await db.close()
    throw new MoltmeshError(
      'failed_precondition',
      'STORE_SCHEMA_MISMATCH',
      `database ${path} has schema version ${stored}; this daemon supports ${SCHEMA_VERSION}`,
    )
  }
  return {
    db,
    path,
    sublevel: <V>(name: SublevelName) => jsonSublevel<V>(db, name),
    // The sublevel on each op encodes its key and value; the root database only makes it atomic.
    commit: (ops) => db.batch(ops as unknown as Array<AbstractBatchOperation<Db, string, string>>),
    close: () => db.close(),
  }
}
