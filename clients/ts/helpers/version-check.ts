// The API version this SDK speaks, checked against the daemon's, so a client and daemon from
// different major API versions fail with a clear message instead of odd field errors.

import type { Groups } from '../groups.ts'

export const API_VERSION = 'moltmesh.v1'

export class VersionMismatchError extends Error {
  readonly daemonApiVersion: string
  readonly daemonVersion: string
  constructor(daemonApiVersion: string, daemonVersion: string) {
    super(
      `the daemon speaks ${daemonApiVersion || 'an unknown API'} (moltmesh ${daemonVersion}), this SDK ${API_VERSION}: use an SDK and daemon of the same API version`,
    )
    this.name = 'VersionMismatchError'
    this.daemonApiVersion = daemonApiVersion
    this.daemonVersion = daemonVersion
  }
}

/** Resolves with the daemon's versions when they match this SDK's API; rejects otherwise. */
export async function checkVersion(
  client: Pick<Groups, 'node'>,
): Promise<{ daemonVersion: string; apiVersion: string }> {
  const health = await client.node.health({})
  if (health.apiVersion !== API_VERSION) throw new VersionMismatchError(health.apiVersion, health.version)
  return { daemonVersion: health.version, apiVersion: health.apiVersion }
}
