// The web workspace with many tasks: A requests BENCH_TASKS (default 10,000) tasks that a worker on B
// completes, then Chromium opens A's workspace and times the Tasks view: first page of rows rendered,
// next page, a task's detail (with its event stream), and the ListTasks call behind a page. Prints one
// JSON line; skipped (saying so) without Chromium (scripts/setup-chromium.sh).
import { types } from '../clients/ts/index.ts'
import { findChromium, launchChromium } from '../test/harness/browser.ts'
import { offerSkills } from '../test/harness/tasks.ts'
import { type EchoWorker, startEchoWorker, withDaemonPair } from './daemon-pair.ts'
import { round, summarize } from './stats.ts'

const TASKS = Number(process.env.BENCH_TASKS ?? 10_000)
const chromium = findChromium()
if (chromium == null) {
  console.log(JSON.stringify({ bench: 'ui', skipped: 'no Chromium' }))
  process.exit(0)
}

let worker: EchoWorker | undefined
await withDaemonPair(async (a, b) => {
  try {
    await offerSkills(b, [{ id: 'echo' }])
    worker = await startEchoWorker(b, ['echo'])

    const input = [types.Part.fromPartial({ text: 'benchmark task' })]
    let next = 0
    const fillStart = performance.now()
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < TASKS) {
          next++
          const { task } = await a.client.a2a.createTask({ to: b.did, skill: 'echo', input })
          await a.client.a2a.waitTask({ id: task!.id, timeoutMs: 60_000 })
        }
      }),
    )
    const fillSeconds = (performance.now() - fillStart) / 1000
    console.error(`ui bench: ${TASKS} tasks in ${round(fillSeconds, 1)} s`)
    await worker.stop()

    const listMs: number[] = []
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now()
      await a.client.a2a.listTasks({ pageSize: 50 })
      listMs.push(performance.now() - t0)
    }

    const { loginUrl } = await a.client.diag.openUi({ listen: '127.0.0.1:0' })
    const browser = await launchChromium(chromium)
    try {
      const page = await browser.newPage()
      await page.goto(loginUrl)
      await page.getByTestId('health').waitFor()
      const base = loginUrl.replace(/#.*$/, '')
      const rows = page.locator('table.tasks tbody tr')

      let t0 = performance.now()
      await page.goto(`${base}#/tasks`)
      await rows.first().waitFor()
      const firstPageMs = performance.now() - t0
      const firstId = await rows.first().locator('a').getAttribute('href')

      t0 = performance.now()
      await page.getByRole('button', { name: 'Next' }).click()
      // Polled from here: the page's CSP (rightly) forbids the eval a string predicate would need.
      while ((await rows.first().locator('a').getAttribute('href')) === firstId) await page.waitForTimeout(5)
      const nextPageMs = performance.now() - t0

      t0 = performance.now()
      await rows.first().locator('a').click()
      await page.getByTestId('task-state').waitFor()
      await page.locator('.timeline li').first().waitFor()
      const detailMs = performance.now() - t0

      console.log(
        JSON.stringify({
          bench: 'ui',
          tasks: TASKS,
          rowsOnPage: await rows.count(),
          fillTasksPerSecond: round(TASKS / fillSeconds, 0),
          listTasksPage50Ms: summarize(listMs),
          tasksViewFirstPageMs: round(firstPageMs, 1),
          tasksViewNextPageMs: round(nextPageMs, 1),
          taskDetailMs: round(detailMs, 1),
          fillSeconds: round(fillSeconds, 1),
          aim: 'task list responsive with 10,000 tasks',
        }),
      )
    } finally {
      await browser.close()
    }
  } finally {
    await worker?.stop()
  }
})
