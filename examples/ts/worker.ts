// A worker agent: offers a "word-count" skill on the network and serves it until Ctrl-C. Serving the
// skill puts it on the agent's card while the worker runs (described as below, unless the agent
// declares it itself); the agent's name and other skills stay as they are.
//
//   MOLTMESH_SOCKET=~/.moltmesh/moltmesh.sock node examples/ts/worker.ts
//
// Outside this repository, import from '@moltmesh/client' instead of the relative path.
import { createClient, TaskFailure } from '../../clients/ts/index.ts'

const client = createClient() // $MOLTMESH_SOCKET or ~/.moltmesh/moltmesh.sock
await client.checkVersion()
const did = (await client.identity.get({})).did

const stop = new AbortController()
process.once('SIGINT', () => stop.abort())
process.once('SIGTERM', () => stop.abort())

await client.runWorker(
  { id: 'word-count', name: 'Word count', description: 'counts the words of its text input', tags: ['text'] },
  async (ctx) => {
    if (ctx.text.trim() === '') throw new TaskFailure('EMPTY_INPUT', 'send some text to count')
    await ctx.progress(0.5, 'counting')
    const words = ctx.text.split(/\s+/).filter(Boolean).length
    await ctx.chunk(`${words} words so far`)
    return { words }
  },
  {
    signal: stop.signal,
    onStatus: (status) => {
      if (status.kind === 'ready') console.log(`serving word-count as ${did}`)
      else if (status.kind === 'lost') console.error('lost the daemon; reconnecting')
      else console.error('reconnected; serving word-count again')
    },
    onTaskDone: (task, outcome) => console.log(`${task.id} from ${task.requester}: ${outcome}`),
  },
)
client.close()
