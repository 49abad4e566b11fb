// Multi-daemon test helper (after libp2p's TestDHT and Tailscale's tstest/integration): spawn N real
// daemons, connect them, print their logs when a test fails, and always clean up.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach } from 'vitest'
import { DaemonProcess, type DaemonSpawnOptions } from './daemon-process.ts'

export type SpawnOptions = Omit<DaemonSpawnOptions, 'name' | 'root'>

export class Mesh {
  readonly root: string
  readonly daemons: DaemonProcess[] = []

  private spawned = 0

  constructor() {
    // Short prefix under /tmp: unix socket paths must stay under 107 bytes.
    this.root = mkdtempSync(join(tmpdir(), 'mm-'))
  }

  /** Creates a daemon without starting it. */
  create(name: string, options: SpawnOptions = {}): DaemonProcess {
    const daemon = new DaemonProcess({ ...options, name, root: this.root })
    this.daemons.push(daemon)
    return daemon
  }

  async spawn(name: string, options: SpawnOptions = {}): Promise<DaemonProcess> {
    return this.create(name, options).start()
  }

  /** Starts n daemons; every daemon after the first bootstraps to the first one over TCP. */
  async spawnMany(n: number, options: SpawnOptions = {}): Promise<DaemonProcess[]> {
    // Numbered across calls so a second group in the same file never reuses a data dir or socket.
    const base = this.spawned
    this.spawned += n
    const first = await this.spawn(`d${base}`, options)
    const rest = await Promise.all(
      Array.from({ length: n - 1 }, (_, i) =>
        this.spawn(`d${base + i + 1}`, { ...options, bootstrap: [first.info!.tcpAddress] }),
      ),
    )
    return [first, ...rest]
  }

  /** Connects every pair directly (ConnectPeer over the first's TCP address). */
  async connectAll(daemons: DaemonProcess[] = this.daemons): Promise<void> {
    for (let i = 0; i < daemons.length; i++) {
      for (let j = i + 1; j < daemons.length; j++) {
        await daemons[i]!.client.diag.connectPeer({ target: daemons[j]!.info!.tcpAddress })
      }
    }
  }

  dumpLogs(): string {
    return this.daemons.map((d) => d.dumpOutput()).join('\n')
  }

  async teardown(): Promise<void> {
    await Promise.all(this.daemons.map((d) => d.kill().catch(() => undefined)))
    rmSync(this.root, { recursive: true, force: true })
  }
}

/** A Mesh for one test file: logs printed after each failed test, everything torn down at the end. */
export function useMesh(): Mesh {
  const mesh = new Mesh()
  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') console.log(mesh.dumpLogs())
  })
  afterAll(async () => {
    await mesh.teardown()
  })
  return mesh
}

export { waitFor } from './wait-for.ts'
