// Two daemons for the A -> B benchmarks: B started first, A bootstrapped to it and connected directly,
// logs quiet and the receive rate limits and per-peer inbox quota out of the way (they would throttle the
// load, not measure it: the messaging bench leaves 6,350 messages unacknowledged, over the default quota
// of 5,000, and then waited for 60 s retries without end).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DaemonProcess } from '../test/harness/daemon-process.ts'

const ENV = {
  MOLTMESH_LOG_LEVEL: 'warn',
  MOLTMESH_MESSAGING_RECEIVE_RATE_PER_SECOND: '1000000',
  MOLTMESH_MESSAGING_RECEIVE_BURST: '1000000',
  MOLTMESH_MESSAGING_PEER_MAX_UNACKED_MESSAGES: '10000000',
}

/** Runs `body` with a started pair; both daemons are stopped and their data removed however it ends. */
export async function withDaemonPair<T>(
  body: (a: DaemonProcess, b: DaemonProcess) => Promise<T>,
): Promise<T> {
  const root = mkdtempSync(join(tmpdir(), 'mm-bench-'))
  const b = new DaemonProcess({ name: 'b', root, env: ENV })
  let a: DaemonProcess | undefined
  try {
    await b.start()
    a = new DaemonProcess({ name: 'a', root, env: ENV, bootstrap: [b.info!.tcpAddress] })
    await a.start()
    await a.client.diag.connectPeer({ target: b.info!.tcpAddress })
    return await body(a, b)
  } finally {
    await a?.stop()
    await b.stop()
    rmSync(root, { recursive: true, force: true })
  }
}

export interface EchoWorker {
  /** Ends the subscription (tasks already claimed may still complete). */
  stop(): Promise<void>
}

/**
 * A worker on `node` for the task benches: it claims every task of `skills` as it arrives and
 * completes it at once with its input as output (no await between tasks). Resolves once the daemon
 * confirms the subscription (its first response has no task), so no task is offered before it serves.
 */
export async function startEchoWorker(node: DaemonProcess, skills: string[]): Promise<EchoWorker> {
  const abort = new AbortController()
  let serving!: () => void
  const confirmed = new Promise<void>((resolve) => {
    serving = resolve
  })
  const loop = (async () => {
    for await (const { task } of node.client.a2a.subscribeTasks({ skills }, { signal: abort.signal })) {
      if (task == null) {
        serving()
        continue
      }
      void node.client.a2a
        .claimTask({ id: task.id })
        .then((claim) =>
          node.client.a2a.completeTask({ id: task.id, leaseToken: claim.leaseToken, output: task.input }),
        )
        .catch(() => undefined)
    }
  })().catch(() => undefined)
  await Promise.race([confirmed, loop])
  return {
    async stop() {
      abort.abort()
      await loop
    },
  }
}
