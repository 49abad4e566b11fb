// Ledger overhead: the same task round trip (CreateTask -> worker completes -> requester sees
// COMPLETED) for an unpriced and a priced skill (reservation, signed receipt, countersignature, both
// balances moved); then admission decisions/s for priced offers from 16 concurrent requesters.
// Prints one JSON line.
import { types } from '../clients/ts/index.ts'
import { offerSkills } from '../test/harness/tasks.ts'
import { type EchoWorker, startEchoWorker, withDaemonPair } from './daemon-pair.ts'
import { round, summarize } from './stats.ts'

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 150)
const OFFERS = Number(process.env.BENCH_OFFERS ?? 500)

let worker: EchoWorker | undefined
await withDaemonPair(async (a, b) => {
  try {
    await offerSkills(b, [{ id: 'free' }, { id: 'priced', price: '0.001' }, { id: 'queue', price: '1' }])
    await b.client.a2a.setCreditLimit({ peer: a.did, amount: '1000000' })
    worker = await startEchoWorker(b, ['free', 'priced'])
    const input = [types.Part.fromPartial({ text: 'benchmark task' })]
    const roundTrip = async (skill: string) => {
      const { task } = await a.client.a2a.createTask({ to: b.did, skill, input, maxPrice: '1' })
      const done = await a.client.a2a.waitTask({ id: task!.id, timeoutMs: 60_000 })
      if (done.task?.state !== types.TaskState.TASK_STATE_COMPLETED)
        throw new Error(`task ended ${done.task?.state}`)
    }
    const measure = async (skill: string) => {
      for (let i = 0; i < 20; i++) await roundTrip(skill)
      const samples: number[] = []
      for (let i = 0; i < SAMPLES; i++) {
        const t0 = performance.now()
        await roundTrip(skill)
        samples.push(performance.now() - t0)
      }
      return summarize(samples)
    }
    const free = await measure('free')
    const priced = await measure('priced')
    // Admission: priced offers with no worker; every one is admitted or refused at B.
    await b.client.a2a.setCreditLimit({ peer: a.did, amount: '100' })
    let next = 0
    const start = performance.now()
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < OFFERS) {
          next++
          await a.client.a2a.createTask({ to: b.did, skill: 'queue', input, maxPrice: '1' })
        }
      }),
    )
    for (;;) {
      const seen = await b.client.a2a.listTasks({ skill: 'queue', pageSize: 1000 })
      if (seen.tasks.length >= OFFERS) break
      await new Promise((r) => setTimeout(r, 20))
    }
    const decisions = round(OFFERS / ((performance.now() - start) / 1000), 0)
    const verify = await b.client.a2a.verifyLedger({})
    console.log(
      JSON.stringify({
        bench: 'ledger',
        unpricedMs: free,
        pricedMs: priced,
        overheadRatioP50: round(priced.p50 / free.p50, 2),
        admissionDecisionsPerSecond16: decisions,
        verifyOk: verify.ok,
        aim: 'priced/unpriced < 1.2x',
      }),
    )
    await worker.stop()
  } finally {
    await worker?.stop()
  }
})
