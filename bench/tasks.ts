// Task round trip over loopback between two daemons: CreateTask at A -> offer to B -> an SDK worker on
// B claims and completes -> A sees COMPLETED (WaitTask). Latency p50/p99 one at a time, then tasks/s
// with 16 concurrent requesters. Prints one JSON line. (Artifact transfer: bench/artifacts.ts.)
import { types } from '../clients/ts/index.ts'
import { offerSkills } from '../test/harness/tasks.ts'
import { type EchoWorker, startEchoWorker, withDaemonPair } from './daemon-pair.ts'
import { round, summarize } from './stats.ts'

const LATENCY_SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200)
const THROUGHPUT_TASKS = Number(process.env.BENCH_TASKS ?? 1000)

let worker: EchoWorker | undefined
await withDaemonPair(async (a, b) => {
  try {
    await offerSkills(b, [{ id: 'echo' }])

    worker = await startEchoWorker(b, ['echo'])

    const input = [types.Part.fromPartial({ text: 'benchmark task' })]
    const roundTrip = async () => {
      const { task } = await a.client.a2a.createTask({ to: b.did, skill: 'echo', input })
      const done = await a.client.a2a.waitTask({ id: task!.id, timeoutMs: 60_000 })
      if (done.task?.state !== types.TaskState.TASK_STATE_COMPLETED)
        throw new Error(`task ended ${done.task?.state}`)
    }
    for (let i = 0; i < 30; i++) await roundTrip()
    const latencies: number[] = []
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const t0 = performance.now()
      await roundTrip()
      latencies.push(performance.now() - t0)
    }
    let next = 0
    const start = performance.now()
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < THROUGHPUT_TASKS) {
          next++
          await roundTrip()
        }
      }),
    )
    const perSecond = round(THROUGHPUT_TASKS / ((performance.now() - start) / 1000), 0)
    await worker.stop()
    console.log(
      JSON.stringify({
        bench: 'tasks',
        path: 'CreateTask(A) -> B -> SDK worker claims + completes (B) -> A COMPLETED (WaitTask)',
        latencyMs: summarize(latencies),
        tasksPerSecond16: perSecond,
        tasks: THROUGHPUT_TASKS,
        aim: 'p50 < 5 ms, > 1000 tasks/s',
      }),
    )
  } finally {
    await worker?.stop()
  }
})
