// Two daemons for the A -> B benchmarks: B started first, A bootstrapped to it and connected directly,
// logs quiet and the receive rate limits and per-peer inbox quota out of the way (they would throttle
// the load, not measure it; the benchmark's subscriber does not acknowledge what it reads).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DaemonProcess } from '../test/harness/daemon-process.ts'

const ENV = {
  MOLTMESH_LOG_LEVEL: 'warn',
  MOLTMESH_MESSAGING_RECEIVE_RATE_PER_SECOND: '1000000',
  MOLTMESH_MESSAGING_RECEIVE_BURST: '1000000',
  MOLTMESH_MESSAGING_PEER_MAX_UNACKED_MESSAGES: '100000000',
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
 * A worker on `node` for the task benches: it completes every task of `skills` at once with its
 * input as output (no await between tasks). By default the daemon claims each task for it before
 * sending it (SubscribeTasks `claim`, what the SDK workers do; up to `maxClaimed` held at once);
 * `preclaim: false` claims each offer with ClaimTask first. Resolves once the daemon confirms the
 * subscription (its first response has no task), so no task is offered before it serves.
 */
export async function startEchoWorker(
  node: DaemonProcess,
  skills: string[],
  options: { preclaim?: boolean; maxClaimed?: number } = {},
): Promise<EchoWorker> {
  const abort = new AbortController()
  let serving!: () => void
  const confirmed = new Promise<void>((resolve) => {
    serving = resolve
  })
  const preclaim = options.preclaim !== false
  const request = preclaim ? { skills, claim: true, maxClaimed: options.maxClaimed ?? 64 } : { skills }
  const loop = (async () => {
    for await (const { task, leaseToken } of node.client.a2a.subscribeTasks(request, {
      signal: abort.signal,
    })) {
      if (task == null) {
        serving()
        continue
      }
      const claimed =
        leaseToken !== '' ? Promise.resolve({ leaseToken }) : node.client.a2a.claimTask({ id: task.id })
      void claimed
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
