// An ordered thread among running daemons, set up through the SDK as a user would: the first daemon
// creates it with the others as members, each of them accepts the invitation it gets over durable
// messaging, and the thread has a leader. Used by the ordered-thread tests and bench/threads.

import type { DaemonProcess } from './daemon-process.ts'
import { waitFor } from './wait-for.ts'

export async function createAcceptedThread(
  daemons: DaemonProcess[],
  title: string,
  timeoutMs = 60_000,
): Promise<string> {
  const [creator, ...others] = daemons
  if (creator == null) throw new Error('no daemons')
  const created = await creator.client.ordered.create({ members: others.map((d) => d.did), title })
  const threadId = created.thread?.id
  if (threadId == null) throw new Error('CreateOrderedThread returned no thread')
  await Promise.all(
    others.map(async (d) => {
      await waitFor(
        async () => (await d.client.ordered.invitations({})).invitations.some((i) => i.threadId === threadId),
        timeoutMs,
        `the invitation at ${d.name}`,
      )
      await d.client.ordered.accept({ threadId })
    }),
  )
  await waitFor(
    async () => {
      const leaders = await Promise.all(
        daemons.map(async (d) => (await d.client.ordered.status({ threadId })).leader),
      )
      return leaders[0] !== '' && leaders.every((l) => l === leaders[0])
    },
    timeoutMs,
    'a leader all members agree on',
  )
  return threadId
}
