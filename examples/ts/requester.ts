// A requester agent: finds an agent offering "word-count" (as examples/ts/worker.ts does), delegates
// a task to it, streams the task's events and prints the result.
//
//   MOLTMESH_SOCKET=/path/to/other.sock npm run example examples/ts/requester.ts "some text to count"
//   (npm runs it with the repo's Node 24; `node examples/ts/requester.ts` needs Node >= 22.18)
//
// Outside this repository, import from '@moltmesh/client' instead of the relative path.
import { createClient, dataOf, isTerminalState, textOf, types } from '../../clients/ts/index.ts'

const text = process.argv[2] ?? 'the quick brown fox jumps over the lazy dog'
const client = createClient()

// Discovery: the DHT answers with signed agent cards offering the capability.
let provider: string | undefined
for await (const found of client.agents.find({ capability: 'word-count', limit: 1, timeoutMs: 10_000 }))
  provider = found.card?.did
if (provider == null) {
  console.error('no agent offers word-count yet (is examples/ts/worker.ts running on a connected daemon?)')
  process.exit(1)
}
console.log(`delegating to ${provider}`)

const { task } = await client.tasks.create({ to: provider, skill: 'word-count', input: [{ text }] })
if (task == null) throw new Error('CreateTask returned no task')
for await (const { event } of client.tasks.events({ id: task.id })) {
  if (event == null) continue
  if (event.kind === types.TaskEventKind.TASK_EVENT_KIND_PROGRESS)
    console.log(`progress ${event.progress} ${event.note}`)
  else if (event.kind === types.TaskEventKind.TASK_EVENT_KIND_CHUNK)
    console.log(`chunk: ${textOf(event.parts)}`)
  else if (event.task != null) console.log(`status ${types.taskStateToJSON(event.task.state)}`)
  else console.log(`event ${types.taskEventKindToJSON(event.kind)}`)
  if (event.task != null && isTerminalState(event.task.state)) break
}
const done = await client.waitTask(task.id)
if (done.state === types.TaskState.TASK_STATE_COMPLETED)
  console.log('result', JSON.stringify(dataOf(done.output)))
else
  console.log(`task ended ${types.taskStateToJSON(done.state)}: ${done.error?.reason} ${done.error?.message}`)
client.close()
