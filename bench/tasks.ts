// Task round trip over loopback between two daemons: CreateTask at A -> offer to B -> a worker on B
// completes -> A sees COMPLETED (WaitTask). Latency p50/p99 one at a time, then tasks/s with 16
// concurrent requesters, for both ways a worker gets its tasks: pre-claimed by the daemon
// (SubscribeTasks `claim`, what the SDK workers do by default; the headline figures) and offered,
// then claimed with a ClaimTask call (`withClaimTask`). The two alternate phase by phase (A B B A) in
// one daemon pair, so both see the same conditions. Prints one JSON line. (Artifacts: bench/artifacts.ts.)
import { appendFileSync } from 'node:fs'
import { types } from '../clients/ts/index.ts'
import { offerSkills } from '../test/harness/tasks.ts'
import { type EchoWorker, startEchoWorker, withDaemonPair } from './daemon-pair.ts'
import { round, summarize } from './stats.ts'

const LATENCY_SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200)
const THROUGHPUT_TASKS = Number(process.env.BENCH_TASKS ?? 1000)
/** MOLTMESH_HOP_TRACE=<file>: both daemons and this client append hop timestamps (daemon/messaging/hop-trace.ts). */
const trace = process.env.MOLTMESH_HOP_TRACE || undefined

const workers: EchoWorker[] = []
await withDaemonPair(async (a, b) => {
  try {
    // 'echo' is served pre-claimed, 'echo-claim' with a ClaimTask call per task.
    await offerSkills(b, [{ id: 'echo' }, { id: 'echo-claim' }])
    workers.push(await startEchoWorker(b, ['echo']))
    workers.push(await startEchoWorker(b, ['echo-claim'], { preclaim: false }))

    const input = [types.Part.fromPartial({ text: 'benchmark task' })]
    const roundTrip = async (skill: string) => {
      const t0 = performance.timeOrigin + performance.now()
      const { task } = await a.client.a2a.createTask({ to: b.did, skill, input })
      const t1 = performance.timeOrigin + performance.now()
      const done = await a.client.a2a.waitTask({ id: task!.id, timeoutMs: 60_000 })
      if (trace != null) {
        const t2 = performance.timeOrigin + performance.now()
        appendFileSync(
          trace,
          `${t0.toFixed(3)} bench.start ${task!.id}\n${t1.toFixed(3)} bench.created ${task!.id}\n${t2.toFixed(3)} bench.done ${task!.id}\n`,
        )
      }
      if (done.task?.state !== types.TaskState.TASK_STATE_COMPLETED)
        throw new Error(`task ended ${done.task?.state}`)
    }
    const latency = async (skill: string, n: number) => {
      const samples: number[] = []
      for (let i = 0; i < n; i++) {
        const t0 = performance.now()
        await roundTrip(skill)
        samples.push(performance.now() - t0)
      }
      return samples
    }
    /** Seconds for THROUGHPUT_TASKS round trips with 16 requesters. */
    const throughput = async (skill: string) => {
      let next = 0
      const start = performance.now()
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < THROUGHPUT_TASKS) {
            next++
            await roundTrip(skill)
          }
        }),
      )
      return (performance.now() - start) / 1000
    }
    for (let i = 0; i < 30; i++) {
      await roundTrip('echo')
      await roundTrip('echo-claim')
    }
    // A B B A: each mode's figure is over both of its halves, so a drift in the machine's load
    // between phases weighs on both modes alike.
    const half = Math.ceil(LATENCY_SAMPLES / 2)
    const samples = { echo: [] as number[], 'echo-claim': [] as number[] }
    const seconds = { echo: 0, 'echo-claim': 0 }
    for (const skill of ['echo', 'echo-claim', 'echo-claim', 'echo'] as const)
      samples[skill].push(...(await latency(skill, half)))
    for (const skill of ['echo', 'echo-claim', 'echo-claim', 'echo'] as const)
      seconds[skill] += await throughput(skill)
    const latencyPreclaimed = summarize(samples.echo)
    const latencyClaimCall = summarize(samples['echo-claim'])
    const perSecondPreclaimed = round((2 * THROUGHPUT_TASKS) / seconds.echo, 0)
    const perSecondClaimCall = round((2 * THROUGHPUT_TASKS) / seconds['echo-claim'], 0)
    console.log(
      JSON.stringify({
        bench: 'tasks',
        path: 'CreateTask(A) -> B -> worker completes (B) -> A COMPLETED (WaitTask)',
        latencyMs: latencyPreclaimed,
        tasksPerSecond16: perSecondPreclaimed,
        withClaimTask: { latencyMs: latencyClaimCall, tasksPerSecond16: perSecondClaimCall },
        tasks: THROUGHPUT_TASKS,
        aim: 'p50 < 5 ms, > 1000 tasks/s',
      }),
    )
  } finally {
    for (const w of workers) await w.stop()
  }
})
