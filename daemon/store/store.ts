// One classic-level database per daemon, with a sublevel per subsystem.
//
// Subsystems get typed repositories from here, one per bucket (buckets.ts lists them all), and write
// related changes in one atomic `commit()` before
// acknowledging anything. The schema version key lets a newer daemon refuse (or migrate) an older
// layout instead of misreading it.

import { chmod, mkdir, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { ClassicLevel } from 'classic-level'
import { MoltmeshError } from '../errors/moltmesh-error.ts'
import { BUCKETS, type BucketName } from './buckets.ts'
import { type KeyCodec, unit, type ValueCodec } from './codecs.ts'
import { createGroupCommit } from './group-commit.ts'
import {
  createRepository,
  type Repository,
  type StoreOp,
  type TextSublevel,
  type WriteOptions,
} from './repository.ts'

/** Layout version of the database; bump with a migration when a sublevel's encoding changes. */
export const SCHEMA_VERSION = 1

export type Db = ClassicLevel<string, string>
export type { StoreOp } from './repository.ts'

export interface Store {
  /** The raw database: for migrations and tests only; subsystems use repositories. */
  readonly db: Db
  readonly path: string
  /**
   * The repository of a bucket (buckets.ts). Open each bucket once, in its owner file; `keys` and
   * `values` are the bucket's codecs.
   */
  repository<K, V, G = never>(
    bucket: BucketName,
    keys: KeyCodec<K, G>,
    values: ValueCodec<V>,
    writeOptions?: WriteOptions,
  ): Repository<K, V, G>
  /**
   * Writes ops from any repositories in one atomic batch; resolves once they are written. Commits made
   * in the same event-loop turn, or while a write is in flight, share one batch (group-commit.ts).
   */
  commit(ops: StoreOp[], options?: WriteOptions): Promise<void>
  close(): Promise<void>
}

/** The schema version is plain text (not JSON), as the first version wrote it. */
const schemaText: ValueCodec<number> = {
  encode: String,
  decode: (raw) => Number(raw),
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
  const sublevels = new Map<string, TextSublevel>()
  const sublevelOf = (name: string): TextSublevel => {
    let sublevel = sublevels.get(name)
    if (sublevel == null) {
      sublevel = db.sublevel<string, string>(name, { valueEncoding: 'utf8' })
      sublevels.set(name, sublevel)
    }
    return sublevel
  }
  // Each op carries its sublevel, which adds the prefix; the root database only makes the batch atomic.
  const group = createGroupCommit((ops, options) => db.batch(ops, options))
  const commit = group.commit
  const repository = <K, V, G>(
    bucket: BucketName,
    keys: KeyCodec<K, G>,
    values: ValueCodec<V>,
    w?: WriteOptions,
  ) => {
    const spec = BUCKETS[bucket]
    return createRepository(bucket, sublevelOf(spec.sublevel), spec, keys, values, commit, w)
  }

  const schema = repository('store.schema', unit, schemaText)
  const stored = await schema.get(null)
  if (stored === undefined) {
    await schema.put(null, SCHEMA_VERSION)
  } else if (stored !== SCHEMA_VERSION) {
    await db.close()
    throw new MoltmeshError(
      'failed_precondition',
      'STORE_SCHEMA_MISMATCH',
      `database ${path} has schema version ${stored}; this daemon supports ${SCHEMA_VERSION}`,
    )
  }
  // Commits already made are written before the database closes (they would fail on a closed one).
  const close = async () => {
    await group.drain()
    await db.close()
  }
  return { db, path, repository, commit, close }
}
