// send-message, get-inbox, subscribe-inbox, get-message, ack, mark-read, get-outbox.

import type { Command } from 'commander'
import { a2a, types } from '../../clients/ts/index.ts'
import { action, withClient } from '../context.ts'
import { printFields } from '../output/format.ts'
import { messageLine, OUTBOX_STATUS_NAMES, statusName } from '../output/message-format.ts'
import { printMessage, printMessageLine } from '../output/proto-json.ts'

const STATUS_BY_NAME: Record<string, types.MessageStatus> = {
  queued: types.MessageStatus.MESSAGE_STATUS_QUEUED,
  delivered: types.MessageStatus.MESSAGE_STATUS_DELIVERED,
  expired: types.MessageStatus.MESSAGE_STATUS_EXPIRED,
  failed: types.MessageStatus.MESSAGE_STATUS_FAILED,
}

export function registerMessagingCommands(program: Command): void {
  program
    .command('send-message')
    .description('send a message to an agent (queued and retried if it is offline)')
    .requiredOption('--to <did|name>', 'recipient DID or claimed name')
    .option('-m, --message <text>', 'text content')
    .option('--data <json>', 'JSON content')
    .option('--context <id>', 'conversation context id', '')
    .option('--thread <id>', 'thread id', '')
    .option('--reply-to <id>', 'id of the message this answers', '')
    .option('--ttl <ms>', 'time to live in milliseconds (default 72 h)', '0')
    .option('--idempotency-key <key>', 'same key = same message, never sent twice', '')
    .action(
      action(async (opts: Record<string, string | undefined>, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const parts: types.Part[] = []
          if (opts.message != null) parts.push(types.Part.fromPartial({ text: opts.message }))
          if (opts.data != null) parts.push(types.Part.fromPartial({ dataJson: opts.data }))
          if (parts.length === 0) throw new Error('give --message <text> and/or --data <json>')
          const res = await client.a2a.sendMessage({
            to: opts.to,
            parts,
            contextId: opts.context,
            threadId: opts.thread,
            replyTo: opts.replyTo,
            ttlMs: Number(opts.ttl),
            idempotencyKey: opts.idempotencyKey,
          })
          if (json) return printMessage(a2a.SendMessageResponse, res)
          printFields([
            ['Message ID', res.id],
            [
              'Queued',
              res.queued
                ? 'true (will be delivered when the recipient is reachable)'
                : 'false (delivered live)',
            ],
          ])
        }),
      ),
    )

  program
    .command('get-inbox')
    .description('list received messages, oldest first')
    .option('--unread', 'only unread messages')
    .option('--from <did|name>', 'only from this sender', '')
    .option('--context <id>', 'only in this context', '')
    .option('--thread <id>', 'only in this thread', '')
    .option('--limit <n>', 'page size (max 1000)', '50')
    .option('--page-token <token>', 'continue after a previous page', '')
    .action(
      action(async (opts: Record<string, string | boolean>, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.a2a.getInbox({
            unreadOnly: opts.unread === true,
            from: opts.from as string,
            contextId: opts.context as string,
            threadId: opts.thread as string,
            pageSize: Number(opts.limit),
            pageToken: opts.pageToken as string,
          })
          if (json) return printMessage(a2a.GetInboxResponse, res)
          const label = opts.unread === true ? 'unread message' : 'message'
          console.log(`${res.messages.length} ${label}${res.messages.length === 1 ? '' : 's'}`)
          for (const m of res.messages) console.log(messageLine(m, 'in'))
          if (res.nextPageToken !== '') console.log(`more: --page-token ${res.nextPageToken}`)
        }),
      ),
    )

  program
    .command('subscribe-inbox')
    .description('stream received messages live (with --after, first replay what came after that cursor)')
    .option('--from <did|name>', 'only from this sender', '')
    .option('--context <id>', 'only in this context', '')
    .option('--thread <id>', 'only in this thread', '')
    .option('--after <cursor>', 'replay messages after this cursor first', '')
    .action(
      action(async (opts: Record<string, string>, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const abort = new AbortController()
          process.once('SIGINT', () => abort.abort())
          if (!json) console.log('subscribed. waiting for messages...')
          const stream = client.a2a.subscribeInbox(
            { from: opts.from, contextId: opts.context, threadId: opts.thread, afterCursor: opts.after },
            { signal: abort.signal },
          )
          for await (const { message } of stream) {
            if (message == null) continue
            // One JSON document per line (NDJSON) so the stream can be piped.
            if (json) printMessageLine(types.Message, message)
            else
              console.log(
                `[${new Date(message.deliveredAtMs).toLocaleTimeString()}] ${messageLine(message, 'in')} (cursor ${message.cursor})`,
              )
          }
        }),
      ),
    )

  program
    .command('get-message')
    .description('show one message (inbox or outbox) by id')
    .argument('<id>', 'message id')
    .action(
      action(async (id: string, _opts: unknown, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.a2a.getMessage({ id })
          if (json) return printMessage(a2a.GetMessageResponse, res)
          const { message } = res
          if (message == null) return
          printFields([
            ['Message ID', message.id],
            ['From', message.from],
            ['To', message.to],
            ['Status', statusName(message.status)],
            ['Created', new Date(message.createdAtMs).toISOString()],
            ['Context', message.contextId || undefined],
            ['Thread', message.threadId || undefined],
            ['Reply to', message.replyTo || undefined],
            ['Attempts', message.attempts > 0 ? message.attempts : undefined],
            ['Last error', message.lastError || undefined],
            ['Content', messageLine(message, 'in').split(' ').slice(3).join(' ')],
          ])
        }),
      ),
    )

  program
    .command('ack')
    .description('acknowledge (and mark read) received messages')
    .argument('<ids...>', 'message ids')
    .action(
      action(async (ids: string[], _opts: unknown, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.a2a.ackMessage({ ids })
          if (json) return printMessage(a2a.AckMessageResponse, res)
          console.log(`Acknowledged ${res.acknowledged}`)
        }),
      ),
    )

  program
    .command('mark-read')
    .description('mark received messages read (or unread)')
    .argument('<ids...>', 'message ids')
    .option('--unread', 'mark unread instead')
    .action(
      action(async (ids: string[], opts: { unread?: boolean }, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.a2a.markRead({ ids, unread: opts.unread === true })
          if (json) return printMessage(a2a.MarkReadResponse, res)
          console.log(`Updated ${res.updated}`)
        }),
      ),
    )

  program
    .command('get-outbox')
    .description('list sent messages and their delivery state')
    .option('--status <status>', `only ${OUTBOX_STATUS_NAMES.join(', ')}`)
    .option('--to <did|name>', 'only to this recipient', '')
    .option('--limit <n>', 'page size (max 1000)', '50')
    .option('--page-token <token>', 'continue after a previous page', '')
    .action(
      action(async (opts: Record<string, string | undefined>, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          let status: types.MessageStatus = types.MessageStatus.MESSAGE_STATUS_UNSPECIFIED
          if (opts.status != null) {
            const s = STATUS_BY_NAME[opts.status]
            if (s == null) throw new Error(`--status must be one of ${OUTBOX_STATUS_NAMES.join(', ')}`)
            status = s
          }
          const res = await client.a2a.getOutbox({
            status,
            to: opts.to,
            pageSize: Number(opts.limit),
            pageToken: opts.pageToken,
          })
          if (json) return printMessage(a2a.GetOutboxResponse, res)
          console.log(`${res.messages.length} message${res.messages.length === 1 ? '' : 's'}`)
          for (const m of res.messages) {
            const extra = m.lastError !== '' ? ` (${m.lastError})` : ''
            console.log(`${statusName(m.status).padEnd(9)} ${messageLine(m, 'out')}${extra}`)
          }
          if (res.nextPageToken !== '') console.log(`more: --page-token ${res.nextPageToken}`)
        }),
      ),
    )
}
