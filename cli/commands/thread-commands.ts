// `moltmesh thread list|get`: conversations (messages sharing a thread_id), sent and received together.

import type { Command } from 'commander'
import { a2a, messageStatusName, types } from '../../clients/ts/index.ts'
import { action, withClient } from '../context.ts'
import { intOption } from '../int-option.ts'
import { messageLine } from '../output/message-format.ts'
import { printMessage } from '../output/proto-json.ts'
import { safeText } from '../output/terminal-safe.ts'
import { orderedEntryLine, registerOrderedThreadCommands } from './ordered-thread-commands.ts'

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/** Received messages are UNREAD or READ; every other status is one of a sent message. */
const isReceived = (m: types.Message) =>
  m.status === types.MessageStatus.MESSAGE_STATUS_UNREAD ||
  m.status === types.MessageStatus.MESSAGE_STATUS_READ

export function registerThreadCommands(program: Command): void {
  const thread = program
    .command('thread')
    .description(
      'threads: the messages sharing a thread id (list, get), and ordered threads committed by their members (create, append, log, ...)',
    )
  registerOrderedThreadCommands(thread)

  thread
    .command('list')
    .description('threads this agent takes part in, most recent first')
    .option('--peer <did|name>', 'only threads with this agent', '')
    .option('--limit <n>', 'page size (max 1000)', intOption(1, 1000), 50)
    .option('--page-token <token>', 'continue after a previous page', '')
    .action(
      action(async (opts: { peer: string; limit: number; pageToken: string }, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.a2a.listThreads({
            peer: opts.peer,
            pageSize: opts.limit,
            pageToken: opts.pageToken,
          })
          if (json) return printMessage(a2a.ListThreadsResponse, res)
          console.log(plural(res.threads.length, 'thread'))
          for (const t of res.threads) {
            // participants[0] is this agent; the rest are the counterparties (the members of an ordered one).
            if (t.ordered) {
              console.log(
                safeText(
                  `${t.threadId}  ordered  "${t.title}"  committed up to #${t.messageCount}  with ${t.participants.slice(1).join(', ')}`,
                ),
              )
              continue
            }
            console.log(
              safeText(
                `${t.threadId}  ${plural(t.messageCount, 'message')}  last ${new Date(t.lastMessageAtMs).toISOString()}  with ${t.participants.slice(1).join(', ')}`,
              ),
            )
          }
          if (res.nextPageToken !== '') console.log(`more: --page-token ${res.nextPageToken}`)
        }),
      ),
    )

  thread
    .command('get')
    .description('the messages of one thread, sent and received, in order')
    .argument('<thread_id>', 'thread id')
    .option('--full', 'show long messages whole (else cut at 200 characters)')
    .option('--limit <n>', 'page size (max 1000)', intOption(1, 1000), 50)
    .option('--page-token <token>', 'continue after a previous page', '')
    .action(
      action(
        async (threadId: string, opts: { limit: number; pageToken: string; full?: boolean }, cmd: Command) =>
          withClient(cmd, async (client, { json }) => {
            const res = await client.a2a.getThread({
              threadId,
              pageSize: opts.limit,
              pageToken: opts.pageToken,
            })
            if (json) return printMessage(a2a.GetThreadResponse, res)
            if (res.orderedEntries.length > 0) {
              // An ordered thread: its committed entries (`thread log` reads them too).
              for (const e of res.orderedEntries) console.log(orderedEntryLine(e))
              if (res.nextPageToken !== '') console.log(`more: --page-token ${res.nextPageToken}`)
              return
            }
            console.log(plural(res.messages.length, 'message'))
            for (const m of res.messages) {
              const when = new Date(m.createdAtMs).toISOString()
              console.log(
                `${when}  ${messageStatusName(m.status).padEnd(9)} ${messageLine(m, isReceived(m) ? 'in' : 'out', opts.full === true ? 0 : undefined)}`,
              )
            }
            if (res.nextPageToken !== '') console.log(`more: --page-token ${res.nextPageToken}`)
          }),
      ),
    )
}
