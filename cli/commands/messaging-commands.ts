// send-message, get-inbox, subscribe-inbox, get-message, ack, mark-read, get-outbox.

import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { a2a, type Client, MoltmeshError, messageStatusName, types } from '../../clients/ts/index.ts'
import { action, withClient } from '../context.ts'
import { formatDuration, printFields } from '../output/format.ts'
import { contentText, messageLine, OUTBOX_STATUS_NAMES } from '../output/message-format.ts'
import { progressWanted } from '../output/progress.ts'
import { printMessage, printMessageLine } from '../output/proto-json.ts'
import { formatBytes, uploadFile } from './blob-commands.ts'

const STATUS_BY_NAME: Record<string, types.MessageStatus> = {
  queued: types.MessageStatus.MESSAGE_STATUS_QUEUED,
  delivered: types.MessageStatus.MESSAGE_STATUS_DELIVERED,
  expired: types.MessageStatus.MESSAGE_STATUS_EXPIRED,
  failed: types.MessageStatus.MESSAGE_STATUS_FAILED,
}

/** The gRPC limit of one request: no daemon setting accepts a body larger than this. */
const MAX_REQUEST_BYTES = 16 * 1024 * 1024

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer))
  return Buffer.concat(chunks).toString('utf8')
}

/** The text body: `-m text`, `-m -` (standard input) or `--message-file <path>`. */
async function messageText(opts: Record<string, string | undefined>): Promise<string | undefined> {
  if (opts.message != null && opts.messageFile != null)
    throw new Error('give either --message or --message-file, not both')
  if (opts.messageFile != null) {
    try {
      return await readFile(opts.messageFile, 'utf8')
    } catch (err) {
      throw new Error(
        `cannot read --message-file ${opts.messageFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      )
    }
  }
  if (opts.message === '-') return readAll(process.stdin)
  return opts.message
}

const ARTIFACT_HINT =
  'send large content as an artifact instead: `moltmesh send-message --to <agent> --file <path>` (it is stored as a blob and the message carries its CID)'

/**
 * A queued message to an agent nobody has announced (no card in the DHT, not connected) is most
 * likely a typo, which would otherwise sit in the outbox until its TTL: say so while the user is here.
 */
async function warnIfUnknown(client: Client, res: a2a.SendMessageResponse): Promise<void> {
  const m = res.message
  if (!res.queued || m == null) return
  const known = await client.a2a.getAgentCard({ did: m.to, timeoutMs: 3_000 }, { deadlineMs: 6_000 }).then(
    () => true,
    (err) => !(err instanceof MoltmeshError && err.reason === 'CARD_NOT_FOUND'),
  )
  if (known) return
  const ttl = formatDuration(Number(m.expiresAtMs) - Number(m.createdAtMs))
  console.error(
    `warning: no peer has announced ${m.to} yet; queued and retried for ${ttl}. Check the DID, or cancel it with \`moltmesh outbox cancel ${m.id}\``,
  )
}

export function registerMessagingCommands(program: Command): void {
  program
    .command('send-message')
    .description('send a message to an agent (queued and retried if it is offline)')
    .requiredOption('--to <did|name>', 'recipient DID or claimed name')
    .option('-m, --message <text>', 'text content ("-" reads it from standard input)')
    .option('--message-file <path>', 'text content from a file')
    .option('--data <json>', 'JSON content')
    .option(
      '--file <path...>',
      'attach files as artifacts (uploaded first; for content too large for a message)',
    )
    .option('--context <id>', 'conversation context id', '')
    .option('--thread <id>', 'thread id', '')
    .option('--reply-to <id>', 'id of the message this answers', '')
    .option('--ttl <ms>', 'time to live in milliseconds (default 72 h)', '0')
    .option('--idempotency-key <key>', 'same key = same message, never sent twice', '')
    .option(
      '--no-wait',
      'return once the message is stored, without waiting for its live delivery (see `moltmesh outbox`)',
    )
    .action(
      action(async (opts: Record<string, string | undefined> & { wait?: boolean }, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const parts: types.Part[] = []
          const text = await messageText(opts)
          if (text != null) {
            const bytes = Buffer.byteLength(text)
            if (bytes > MAX_REQUEST_BYTES)
              throw new Error(
                `the message is ${formatBytes(bytes)}, over any daemon's limit: ${ARTIFACT_HINT}`,
              )
            parts.push(types.Part.fromPartial({ text }))
          }
          if (opts.data != null) parts.push(types.Part.fromPartial({ dataJson: opts.data }))
          for (const file of (opts.file as unknown as string[] | undefined) ?? []) {
            const { artifact } = await uploadFile(client, file, { progress: progressWanted(json) })
            parts.push(
              types.Part.fromPartial({ artifact: { cid: artifact?.cid ?? '', name: artifact?.name ?? '' } }),
            )
          }
          if (parts.length === 0)
            throw new Error('give --message <text>, --message-file <path>, --data <json> or --file <path>')
          const res = await client.a2a
            .sendMessage({
              to: opts.to,
              parts,
              contextId: opts.context,
              threadId: opts.thread,
              replyTo: opts.replyTo,
              ttlMs: Number(opts.ttl),
              idempotencyKey: opts.idempotencyKey,
              noWait: opts.wait === false,
            })
            .catch((err) => {
              if (err instanceof MoltmeshError && err.reason === 'PAYLOAD_TOO_LARGE')
                err.message = `${err.message}; ${ARTIFACT_HINT}`
              throw err
            })
          // --no-wait asks not to wait: no recipient lookup either.
          if (opts.wait !== false) await warnIfUnknown(client, res)
          if (json) return printMessage(a2a.SendMessageResponse, res)
          printFields([
            ['Message ID', res.id],
            [
              'Queued',
              opts.wait === false
                ? 'true (stored; delivery goes on in the background: see `moltmesh outbox`)'
                : res.queued
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
    .option('--full', 'show long messages whole (else cut at 200 characters)')
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
          for (const m of res.messages) console.log(messageLine(m, 'in', opts.full === true ? 0 : undefined))
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
                `[${new Date(message.deliveredAtMs).toLocaleTimeString()}] ${messageLine(message, 'in', 0)} (cursor ${message.cursor})`,
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
            ['Status', messageStatusName(message.status)],
            ['Created', new Date(message.createdAtMs).toISOString()],
            ['Context', message.contextId || undefined],
            ['Thread', message.threadId || undefined],
            ['Reply to', message.replyTo || undefined],
            ['Attempts', message.attempts > 0 ? message.attempts : undefined],
            ['Last error', message.lastError || undefined],
            ['Content', contentText(message)],
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
    .option('--full', 'show long messages whole (else cut at 200 characters)')
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
            console.log(
              `${messageStatusName(m.status).padEnd(9)} ${messageLine(m, 'out', opts.full != null ? 0 : undefined)}${extra}`,
            )
          }
          if (res.nextPageToken !== '') console.log(`more: --page-token ${res.nextPageToken}`)
        }),
      ),
    )

  const outbox = program.command('outbox').description('sent messages waiting for delivery')
  outbox
    .command('cancel')
    .description('cancel a queued message: it is not delivered and ends failed (CANCELED)')
    .argument('<id>', 'message id (as send-message printed it)')
    .action(
      action(async (id: string, _opts: unknown, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.a2a.cancelMessage({ id })
          if (json) return printMessage(a2a.CancelMessageResponse, res)
          printFields([
            ['Message ID', id],
            ['To', res.message?.to],
            ['Status', 'canceled (will not be delivered)'],
            ['Attempts', res.message?.attempts],
          ])
        }),
      ),
    )
}
