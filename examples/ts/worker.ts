// A worker agent: offers a "word-count" skill on the network and serves it until Ctrl-C.
//
//   MOLTMESH_SOCKET=~/.moltmesh/moltmesh.sock node examples/ts/worker.ts
//
// Outside this repository, import from '@moltmesh/client' instead of the relative path.
import { createClient, TaskFailure } from '../../clients/ts/index.ts'

const client = createClient() // $MOLTMESH_SOCKET or ~/.moltmesh/moltmesh.sock
await client.checkVersion()
await client.cards.publish({
  card: {
    name: 'word-counter',
    description: 'counts words in text',
    skills: [
      {
        id: 'word-count',
        name: 'Word count',
        description: 'counts the words of its text input',
        tags: ['text'],
      },
    ],
  },
})

const stop = new AbortController()
process.once('SIGINT', () => stop.abort())
process.once('SIGTERM', () => stop.abort())
console.log(`serving word-count as ${(await client.identity.get({})).did}`)

await client.runWorker(
  'word-count',
  async (ctx) => {
    if (ctx.text.trim() === '') throw new TaskFailure('EMPTY_INPUT', 'send some text to count')
    await ctx.progress(0.5, 'counting')
    const words = ctx.text.split(/\s+/).filter(Boolean).length
    await ctx.chunk(`${words} words so far`)
    return { words }
  },
  {
    signal: stop.signal,
    onTaskDone: (task, outcome) => console.log(`${task.id} from ${task.requester}: ${outcome}`),
  },
)
client.close()
