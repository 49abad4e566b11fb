// Task round trip over loopback between two daemons: CreateTask at A -> offer to B -> a worker on B
// completes -> A sees COMPLETED (WaitTask). Latency p50/p99 one at a time, then tasks/s with 16
// concurrent requesters, for both ways a worker gets its tasks: pre-claimed by the daemon
// (SubscribeTasks `claim`, what the SDK workers do by default; the headline figures) and offered,
// then claimed with a ClaimTask call (`withClaimTask`). The two alternate phase by phase in one
// daemon pair, so both see the same conditions. Prints one JSON line. (Artifacts: bench/artifacts.ts.)
import { types } from '../clients/ts/index.ts'
import { offerSkills } from '../test/harness/tasks.ts'
import { type EchoWorker, startEchoWorker, withDaemonPair } from './daemon-pair.ts'
import { round, summarize } from './stats.ts'

const LATENCY_SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200)
const THROUGHPUT_TASKS = Number(process.env.BENCH_TASKS ?? 1000)

const workers: EchoWorker[] = []
await withDaemonPair(async (a, b) => {
  try {
    // 'echo' is served pre-claimed, 'echo-claim' with a ClaimTask call per task.
    await offerSkills(b, [{ id: 'echo' }, { id: 'echo-claim' }])
    workers.push(await startEchoWorker(b, ['echo']))
    workers.push(await startEchoWorker(b, ['echo-claim'], { preclaim: false }))

    const input = [types.Part.fromPartial({ text: 'benchmark task' })]
    const roundTrip = async (skill: string) => {
      const { task } = await a.client.a2a.createTask({ to: b.did, skill, input })
      const done = await a.client.a2a.waitTask({ id: task!.id, timeoutMs: 60_000 })
      if (done.task?.state !== types.TaskState.TASK_STATE_COMPLETED)
        throw new Error(`task ended ${done.task?.state}`)
    }
    const latency = async (skill: string) => {
      const samples: number[] = []
      for (let i = 0; i < LATENCY_SAMPLES; i++) {
        const t0 = performance.now()
        await roundTrip(skill)
        samples.push(performance.now() - t0)
      }
      return summarize(samples)
    }
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
      return round(THROUGHPUT_TASKS / ((performance.now() - start) / 1000), 0)
    }
    for (let i = 0; i < 30; i++) {
      await roundTrip('echo')
      await roundTrip('echo-claim')
    }
    const latencyClaimCall = await latency('echo-claim')
    const latencyPreclaimed = await latency('echo')
    const perSecondPreclaimed = await throughput('echo')
    const perSecondClaimCall = await throughput('echo-claim')
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
