// `moltmesh thread create|invitations|accept|append|log|status|add-member|remove-member|verify|export`:
// ordered threads (docs/threads.md), a log committed through Raft among the members' daemons. They sit
// next to `thread list|get` (message threads), which list ordered threads too.

import { readFileSync, writeFileSync } from 'node:fs'
import type { Command } from 'commander'
import { ext, types } from '../../clients/ts/index.ts'
import { ed25519DidVerifier } from '../../daemon/raft/entry-auth.ts'
import { parseExport } from '../../daemon/raft/log-export.ts'
import { verifyLog } from '../../daemon/raft/verify-log.ts'
import { action, globals, withClient } from '../context.ts'
import { parseDuration } from '../duration-option.ts'
import { EXIT_FAILED } from '../exit-codes.ts'
import { intOption } from '../int-option.ts'
import { printFields } from '../output/format.ts'
import { printMessage, printMessageLine } from '../output/proto-json.ts'
import { safeText } from '../output/terminal-safe.ts'

const list = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')

/** One entry as a line: index, term, proposer, then its content or membership change. */
export function orderedEntryLine(e: types.ThreadEntry): string {
  const content =
    e.kind === 'data'
      ? e.parts
          .map(
            (p) =>
              p.text ??
              p.dataJson ??
              (p.raw != null ? `<${p.raw.length} bytes>` : `<artifact ${p.artifact?.cid}>`),
          )
          .join(' ')
      : e.kind === 'config'
        ? `[${e.change}]`
        : '[leader noop]'
  return safeText(`#${e.index}  term ${e.term}  ${e.proposer}  ${content}`)
}

function contentParts(opts: { message?: string; data?: string }): types.Part[] {
  if (opts.message != null) return [types.Part.fromPartial({ text: opts.message })]
  if (opts.data != null) {
    try {
      JSON.parse(opts.data)
    } catch {
      throw new Error('--data must be valid JSON')
    }
    return [types.Part.fromPartial({ dataJson: opts.data, mediaType: 'application/json' })]
  }
  throw new Error('give --message <text> or --data <json>')
}

function printVerdict(v: ext.VerifyThreadResponse, json: boolean | undefined): void {
  if (json) printMessage(ext.VerifyThreadResponse, v)
  else if (v.ok)
    console.log(
      `ok: ${v.entries} entries, every signature and hash link checks out (last hash ${v.lastHash})`,
    )
  else console.log(`FAILED at entry ${v.badIndex}: ${safeText(v.reason)}`)
  if (!v.ok) process.exitCode = EXIT_FAILED
}

const timeoutOption = (cmd: Command) =>
  cmd.option('--timeout <duration>', 'how long to wait for the commit (e.g. 10s, 2m)', parseDuration, 10_000)

export function registerOrderedThreadCommands(thread: Command): void {
  thread
    .command('create')
    .description(
      'create an ordered thread (a log committed by the members through Raft) and invite the members',
    )
    .requiredOption(
      '--members <list>',
      'the other members: comma-separated DIDs or names (this agent is added)',
    )
    .option('--title <text>', 'title', '')
    .action(
      action(async (opts: { members: string; title: string }, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.ordered.create({ members: list(opts.members), title: opts.title })
          if (json) return printMessage(ext.CreateOrderedThreadResponse, res)
          console.log(`created ordered thread ${res.thread?.id}`)
          for (const i of res.invitations)
            console.log(safeText(`invited ${i.member} (message ${i.messageId})`))
          console.log(
            'appends commit once a majority of the members accepted (`moltmesh thread accept <id>` on theirs)',
          )
        }),
      ),
    )

  thread
    .command('invitations')
    .description('ordered-thread invitations received and not accepted yet')
    .action(
      action(async (_opts: unknown, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.ordered.invitations({})
          if (json) return printMessage(ext.ListThreadInvitationsResponse, res)
          if (res.invitations.length === 0) console.log('no invitations')
          for (const i of res.invitations)
            console.log(
              safeText(
                `${i.threadId}  "${i.title}"  from ${i.inviter}  ${i.genesisVoters.length} members${i.addedLater ? ' (added later)' : ''}`,
              ),
            )
        }),
      ),
    )

  thread
    .command('accept <thread_id>')
    .description('accept an ordered-thread invitation: this daemon joins the thread')
    .action(
      action(async (threadId: string, _opts: unknown, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.ordered.accept({ threadId })
          if (json) return printMessage(ext.AcceptThreadInvitationResponse, res)
          console.log(`joined ordered thread ${res.thread?.id}`)
        }),
      ),
    )

  timeoutOption(
    thread
      .command('append <thread_id>')
      .description('append to an ordered thread; prints the index once committed')
      .option('--message <text>', 'text content')
      .option('--data <json>', 'JSON content')
      .option('--client <id>', 'client id: with --seq, a retry of the same append commits once', '')
      .option(
        '--seq <n>',
        'sequence number of this append for --client',
        intOption(1, Number.MAX_SAFE_INTEGER),
        0,
      ),
  ).action(
    action(
      async (
        threadId: string,
        opts: { message?: string; data?: string; client: string; seq: number; timeout: number },
        cmd: Command,
      ) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.ordered.append({
            threadId,
            parts: contentParts(opts),
            clientId: opts.client,
            seq: opts.seq,
            timeoutMs: opts.timeout,
          })
          if (json) return printMessage(ext.AppendToThreadResponse, res)
          console.log(`committed at index ${res.index} (term ${res.term})${res.duplicate ? ', a retry' : ''}`)
        }),
    ),
  )

  thread
    .command('log <thread_id>')
    .description('committed entries of an ordered thread, in order (a linearizable read)')
    .option('--after <n>', 'entries after this index', intOption(0, Number.MAX_SAFE_INTEGER), 0)
    .option('--limit <n>', 'at most this many entries (default: all)', intOption(1, Number.MAX_SAFE_INTEGER))
    .option('--follow', 'then keep streaming entries as they commit (Ctrl-C to stop)')
    .action(
      action(
        async (threadId: string, opts: { after: number; limit?: number; follow?: boolean }, cmd: Command) =>
          withClient(cmd, async (client, { json }) => {
            if (opts.follow === true) {
              const abort = new AbortController()
              process.once('SIGINT', () => abort.abort())
              try {
                for await (const { entry } of client.ordered.subscribe(
                  { threadId, afterIndex: opts.after },
                  { signal: abort.signal },
                )) {
                  if (entry == null) continue
                  if (json) printMessageLine(types.ThreadEntry, entry)
                  else console.log(orderedEntryLine(entry))
                }
              } catch (err) {
                if (!abort.signal.aborted) throw err
              }
              return
            }
            const entries: types.ThreadEntry[] = []
            let after = opts.after
            let readIndex = 0
            const max = opts.limit ?? Number.POSITIVE_INFINITY
            while (entries.length < max) {
              const page = await client.ordered.read({
                threadId,
                afterIndex: after,
                limit: Math.min(1000, max - entries.length),
                timeoutMs: 0,
              })
              readIndex = page.readIndex
              if (page.entries.length === 0) break
              entries.push(...page.entries)
              after = page.entries.at(-1)?.index ?? after
            }
            if (json) return printMessage(ext.ReadThreadResponse, { entries, readIndex })
            for (const e of entries) console.log(orderedEntryLine(e))
            console.log(`${entries.length} entries (committed up to ${readIndex})`)
          }),
      ),
    )

  thread
    .command('status <thread_id>')
    .description('leader, term, commit index and members (with their match index on the leader)')
    .action(
      action(async (threadId: string, _opts: unknown, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const s = await client.ordered.status({ threadId })
          if (json) return printMessage(ext.GetThreadStatusResponse, s)
          printFields([
            ['thread', s.thread?.id ?? threadId],
            ['title', s.thread?.title ?? ''],
            ['role', s.role],
            ['term', String(s.term)],
            ['leader', s.leader === '' ? '(none known)' : s.leader],
            ['commit index', String(s.commitIndex)],
            ['applied index', String(s.appliedIndex)],
            ['last index', String(s.lastIndex)],
          ])
          for (const m of s.members)
            console.log(
              safeText(
                `  ${m.did}  ${m.voter ? 'voter' : 'learner'}${s.role === 'leader' ? `  match ${m.matchIndex}` : ''}`,
              ),
            )
        }),
      ),
    )

  timeoutOption(
    thread
      .command('add-member <thread_id> <member>')
      .description('add a member (DID or name) and invite it; it catches up as a learner, then votes'),
  ).action(
    action(async (threadId: string, member: string, opts: { timeout: number }, cmd: Command) =>
      withClient(cmd, async (client, { json }) => {
        const res = await client.ordered.addMember({
          threadId,
          member,
          timeoutMs: opts.timeout,
        })
        if (json) return printMessage(ext.AddThreadMemberResponse, res)
        console.log(
          `added ${res.invitation?.member} at index ${res.index}; invitation ${res.invitation?.messageId}`,
        )
      }),
    ),
  )

  timeoutOption(
    thread.command('remove-member <thread_id> <member>').description('remove a member (DID or name)'),
  ).action(
    action(async (threadId: string, member: string, opts: { timeout: number }, cmd: Command) =>
      withClient(cmd, async (client, { json }) => {
        const res = await client.ordered.removeMember({
          threadId,
          member,
          timeoutMs: opts.timeout,
        })
        if (json) return printMessage(ext.RemoveThreadMemberResponse, res)
        console.log(`removed at index ${res.index}`)
      }),
    ),
  )

  thread
    .command('verify [thread_id]')
    .description(
      "check every signature, membership change and hash link of this member's copy, or of an export file (--file, offline: no daemon needed)",
    )
    .option('--file <path>', 'verify this export (`thread export --out`) instead, with nothing but the file')
    .action(
      action(async (threadId: string | undefined, opts: { file?: string }, cmd: Command) => {
        if (opts.file != null) {
          if (threadId != null) throw new Error('give a thread id or --file, not both')
          // Offline: the export holds the genesis voters' DIDs, which are their public keys.
          let parsed: ReturnType<typeof parseExport>
          try {
            parsed = parseExport(readFileSync(opts.file, 'utf8'))
          } catch (err) {
            throw new Error(`${opts.file} is not a thread export: ${(err as Error).message}`)
          }
          const r = verifyLog(parsed.genesis, parsed.entries, ed25519DidVerifier())
          printVerdict(
            r.ok
              ? {
                  ok: true,
                  entries: r.entries,
                  badIndex: 0,
                  reason: '',
                  lastHash: Buffer.from(r.lastHash).toString('hex'),
                }
              : { ok: false, entries: 0, badIndex: r.index, reason: r.reason, lastHash: '' },
            globals(cmd).json,
          )
          return
        }
        if (threadId == null) throw new Error('give a thread id, or --file <export>')
        await withClient(cmd, async (client, { json }) => {
          printVerdict(await client.ordered.verify({ threadId, jsonl: '' }), json)
        })
      }),
    )

  thread
    .command('export <thread_id>')
    .description("this member's committed copy as JSON lines, verifiable by anyone (`thread verify --file`)")
    .option('--out <path>', 'write to this file (default: standard output)')
    .action(
      action(async (threadId: string, opts: { out?: string }, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.ordered.export({ threadId })
          if (opts.out == null) {
            process.stdout.write(res.jsonl)
            return
          }
          writeFileSync(opts.out, res.jsonl)
          if (json) console.log(JSON.stringify({ out: opts.out, entries: res.entries }))
          else console.log(`wrote ${res.entries} entries to ${opts.out}`)
        }),
      ),
    )
}
