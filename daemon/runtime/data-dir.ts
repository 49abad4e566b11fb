// The daemon's hold on its data dir: the database (whose LevelDB lock makes it the only daemon
// there), the pid file that names it to a second daemon, and the identity key. Opened first and
// closed last; stop() releases only what this daemon took.

import type { Ed25519PrivateKey } from '@libp2p/interface'
import { isMoltmeshError, MoltmeshError } from '../errors/moltmesh-error.ts'
import { createIdentity, type Identity } from '../identity/identity.ts'
import { ensureDataDir, loadOrCreateKey } from '../identity/key-file.ts'
import type { Startable } from '../lifecycle/startable.ts'
import type { Logger } from '../log/logger.ts'
import { openStore, type Store } from '../store/store.ts'
import { readPidFile, removePidFile, writePidFile } from './pid-file.ts'

export interface DataDir extends Startable {
  store: Store
  privateKey: Ed25519PrivateKey
  identity: Identity
}

export async function openDataDir(dataDir: string, logger: Logger): Promise<DataDir> {
  await ensureDataDir(dataDir)
  let store: Store
  try {
    store = await openStore(dataDir)
  } catch (err) {
    if (isMoltmeshError(err) && err.reason === 'DATA_DIR_LOCKED') {
      const pid = await readPidFile(dataDir)
      throw new MoltmeshError(
        'failed_precondition',
        'DATA_DIR_LOCKED',
        `data dir ${dataDir} is in use by another moltmesh daemon${pid != null ? ` (pid ${pid})` : ''}; stop it first or choose another --data-dir`,
      )
    }
    throw err
  }
  try {
    await writePidFile(dataDir)
    const key = await loadOrCreateKey(dataDir)
    const identity = createIdentity(key.privateKey)
    if (key.created) logger.info({ did: identity.did, key: key.path }, 'created new identity')
    return {
      store,
      privateKey: key.privateKey,
      identity,
      start: () => undefined,
      async stop() {
        await store.close().catch((err: unknown) => logger.warn({ err }, 'store close failed'))
        await removePidFile(dataDir)
      },
    }
  } catch (err) {
    await store.close().catch(() => undefined)
    await removePidFile(dataDir)
    throw err
  }
}
