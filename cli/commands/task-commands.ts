// create-task, wait-task and `task get|list|cancel|events|input` (requester side); see worker-command.ts
// for the worker side.

import type { Command } from 'commander'
import type { DeepPartial } from '../../clients/ts/deep-partial.ts'
import {
  a2a,
  type Client,
  formatCredits,
  isTerminalState,
  taskStateName,
  types,
} from '../../clients/ts/index.ts'
import { action, withClient } from '../context.ts'
import { parseDuration } from '../duration-option.ts'
import {
  EXIT_FAILED,
  EXIT_INPUT_REQUIRED,
  EXIT_INTERRUPTED,
  EXIT_WAIT_TIMEOUT,
  taskExitCode,
} from '../exit-codes.ts'
import { intOption } from '../int-option.ts'
import { printFields, shorten } from '../output/format.ts'
import { partText } from '../output/message-format.ts'
import { createWaitProgress, progressWanted } from '../output/progress.ts'
import { printMessage, printMessageLine } from '../output/proto-json.ts'
import { eventLine, printTask, TASK_STATE_BY_NAME, taskLine } from '../output/task-format.ts'
import { safeBlock } from '../output/terminal-safe.ts'
import { uploadFile } from './blob-commands.ts'

type Opts = Record<string, string | boolean | number | undefined>

function inputParts(opts: Opts): Array<DeepPartial<types.Part>> {
  const parts: Array<DeepPartial<types.Part>> = []
  // `--input '{"prompt": ...}'` is JSON input; anything else is text.
  if (typeof opts.input === 'string')
    parts.push(isJson(opts.input) ? { dataJson: opts.input } : { text: opts.input })
  if (typeof opts.data === 'string') parts.push({ dataJson: opts.data })
  // As in the product examples, `--meta '{"prompt": ...}'` alone is also the task's input.
  if (parts.length === 0 && typeof opts.meta === 'string') parts.push({ dataJson: opts.meta })
  if (parts.length === 0) throw new Error('give --input <text>, --data <json> or --meta <json>')
  return parts
}

function hasInput(opts: Opts): boolean {
  return typeof opts.input === 'string' || typeof opts.data === 'string' || typeof opts.meta === 'string'
}

function isJson(text: string): boolean {
  const t = text.trim()
  if (!t.startsWith('{') && !t.startsWith('[')) return false
  try {
    JSON.parse(t)
    return true
  } catch {
    return false
  }
}

function metadataOf(meta: unknown): Record<string, string> {
  if (typeof meta !== 'string') return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(meta)
  } catch {
    throw new Error('--meta must be a JSON object')
  }
  if (parsed == null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error('--meta must be a JSON object')
  return Object.fromEntries(
    Object.entries(parsed).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  )
}

/** Decimal credits ("3", "0.5") as integer micro-credits, as the daemon compares them. */
function microCredits(amount: string): bigint | undefined {
  const m = /^(\d{1,18})(?:\.(\d{1,6}))?$/.exec(amount.trim())
  if (m == null) return undefined
  return BigInt(m[1] as string) * 1_000_000n + BigInt((m[2] ?? '').padEnd(6, '0'))
}

/**
 * A priced skill asked for without a high enough --max-price would be offered, stored and then
 * REJECTED by the assignee. The card says the price, so say at once what to add. When the card cannot
 * be read (offline agent, no such skill), the daemon's own checks answer instead.
 */
async function checkPrice(client: Client, to: string, skill: string, maxPrice: string | undefined) {
  if (to === '' || skill === '') return
  if (maxPrice != null && microCredits(maxPrice) == null)
    throw new Error(`--max-price "${maxPrice}" is not a decimal amount of credits (e.g. 3 or 0.5)`)
  const card = await client.a2a
    .getAgentCard({ did: to, timeoutMs: 5_000 }, { deadlineMs: 8_000 })
    .then((r) => r.card)
    .catch(() => undefined)
  const price = card?.skills.find((s) => s.id === skill)?.price ?? ''
  const cost = microCredits(price === '' ? '0' : price) ?? 0n
  if (cost === 0n) return
  if (maxPrice == null)
    throw new Error(`skill "${skill}" costs ${formatCredits(price)}: add --max-price ${price}`)
  if ((microCredits(maxPrice) ?? 0n) < cost)
    throw new Error(
      `skill "${skill}" costs ${formatCredits(price)}, more than --max-price ${maxPrice}: raise it to ${price}`,
    )
}

/** How long past the task's deadline `--wait` keeps listening for the terminal state it leads to. */
const DEADLINE_GRACE_MS = 15_000

interface FollowResult {
  /** The task as it was last seen (from the stream, else from GetTask). */
  task: types.Task | undefined
  interrupted: boolean
}

/** Streams a task's events to stdout until it ends, `waitMs` passes, or Ctrl-C. */
async function follow(client: Client, id: string, json: boolean, waitMs: number): Promise<FollowResult> {
  const stop = interrupted()
  const signal = AbortSignal.any([AbortSignal.timeout(waitMs), stop])
  let last: types.Task | undefined
  // Streamed chunks carry no newline of their own: the next line must not start after them.
  let midLine = false
  // "WORKING  12s" on stderr while waiting, on a terminal; erased before anything else is printed.
  // Not while a chunk is mid-line: the status line would be drawn over the chunk's text.
  const ticker = createWaitProgress(
    shorten(id),
    () => (midLine ? undefined : taskStateName(last?.state ?? types.TaskState.TASK_STATE_SUBMITTED)),
    progressWanted(json) && process.stdout.isTTY === true,
  )
  for await (const { event } of client.a2a.subscribeTaskEvents({ id }, { signal })) {
    if (event == null) continue
    if (event.task != null) last = event.task
    ticker.clear()
    if (json) printMessageLine(types.TaskEvent, event)
    else if (event.kind === types.TaskEventKind.TASK_EVENT_KIND_CHUNK) {
      const text = safeBlock(event.parts.map((p) => p.text ?? partText(p)).join(''))
      if (text !== '') {
        process.stdout.write(text)
        midLine = !text.endsWith('\n')
      }
    } else if (event.sequence > 0) {
      if (midLine) process.stdout.write('\n')
      midLine = false
      console.log(eventLine(event))
    }
  }
  ticker.end()
  if (midLine) process.stdout.write('\n')
  // The stream ended early (timeout, Ctrl-C): report the task as the daemon has it now.
  if (last == null || !isTerminalState(last.state))
    last = (await client.a2a.getTask({ id }).catch(() => undefined))?.task ?? last
  return { task: last, interrupted: stop.aborted }
}

function interrupted(): AbortSignal {
  const abort = new AbortController()
  process.once('SIGINT', () => abort.abort())
  return abort.signal
}

function printOutcome(t: types.Task): void {
  printFields([
    ['Status', taskStateName(t.state)],
    ['Question', t.statusMessage.length > 0 ? t.statusMessage.map(partText).join(' ') : undefined],
    ['Output', t.output.length > 0 ? t.output.map(partText).join(' ') : undefined],
    ['Error', t.error != null && t.error.reason !== '' ? `${t.error.reason}: ${t.error.message}` : undefined],
  ])
}

/**
 * Sets the exit code for a wait that ended with `task` (see exit-codes.ts) and, when the task is not
 * over, says on stderr why the wait ended and how to go on waiting.
 */
function finishWait(task: types.Task | undefined, why: 'timeout' | 'interrupted' | 'ended'): void {
  if (task == null) {
    process.exitCode = EXIT_FAILED
    return
  }
  const code =
    why === 'interrupted' && !isTerminalState(task.state) ? EXIT_INTERRUPTED : taskExitCode(task.state)
  process.exitCode = code
  const state = taskStateName(task.state)
  if (code === EXIT_WAIT_TIMEOUT)
    console.error(
      `gave up waiting: task ${task.id} is still ${state} (wait again with \`moltmesh wait-task --id ${task.id}\`)`,
    )
  else if (code === EXIT_INPUT_REQUIRED)
    console.error(`task ${task.id} is ${state}: answer it with \`moltmesh task input ${task.id} -i <text>\``)
  else if (code === EXIT_INTERRUPTED) console.error(`interrupted: task ${task.id} is still ${state}`)
}

export function registerTaskCommands(program: Command): void {
  program
    .command('create-task')
    .description('delegate a task to an agent (by DID, name or capability)')
    .option('--to <did|name>', 'assignee DID or claimed name')
    .option('--capability <name>', 'pick the best-ranked agent offering this capability instead')
    .option('--skill <id>', 'skill to invoke (default: the capability)')
    .option('-i, --input <json|text>', 'input: JSON (an object or array) or text')
    .option('--data <json>', 'JSON input')
    .option('--meta <json>', 'metadata (JSON object); alone, also the input')
    .option('--file <path...>', 'attach files as artifacts (uploaded first; "@path" works too)')
    .option('--timeout <duration>', 'task deadline, e.g. 30s, 10m (default 1 h)', parseDuration)
    .option('--max-price <credits>', 'highest price accepted')
    .option('--context <id>', 'conversation context id', '')
    .option('--idempotency-key <key>', 'same key = same task, never created twice', '')
    .option('--wait', 'stream the task until it ends and print the result')
    .action(
      action(async (opts: Opts, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          if (opts.to == null && opts.capability == null)
            throw new Error('give --to <did|name> or --capability <name>')
          await checkPrice(
            client,
            (opts.to as string | undefined) ?? '',
            (opts.skill as string | undefined) ?? (opts.capability as string | undefined) ?? '',
            opts.maxPrice as string | undefined,
          )
          const files = (opts.file as unknown as string[] | undefined) ?? []
          const attachments: Array<DeepPartial<types.Part>> = []
          for (const file of files) {
            const { artifact } = await uploadFile(client, file.replace(/^@/, ''), {
              progress: progressWanted(json),
            })
            attachments.push({ artifact: { cid: artifact?.cid ?? '' } })
          }
          const parts =
            files.length > 0 && !hasInput(opts) ? attachments : [...inputParts(opts), ...attachments]
          const res = await client.a2a.createTask({
            to: (opts.to as string | undefined) ?? '',
            capability: (opts.capability as string | undefined) ?? '',
            skill: (opts.skill as string | undefined) ?? '',
            input: parts,
            metadata: metadataOf(opts.meta),
            timeoutMs: (opts.timeout as number | undefined) ?? 0,
            maxPrice: (opts.maxPrice as string | undefined) ?? '',
            contextId: opts.context as string,
            idempotencyKey: opts.idempotencyKey as string,
          })
          const task = res.task as types.Task
          if (json && opts.wait !== true) return printMessage(a2a.CreateTaskResponse, res)
          if (!json)
            printFields([
              ['Task ID', task.id],
              ['Status', taskStateName(task.state)],
            ])
          if (opts.wait !== true) return
          // Listen until the task's own deadline has passed and the daemon has had time to fail it
          // TIMEOUT, so the wait ends on a terminal state rather than racing the deadline.
          const waitMs = Math.max(0, Number(task.deadlineMs) - Date.now()) + DEADLINE_GRACE_MS
          const { task: last, interrupted: stopped } = await follow(client, task.id, json === true, waitMs)
          if (!json && last != null) printOutcome(last)
          finishWait(last, stopped ? 'interrupted' : 'ended')
        }),
      ),
    )

  program
    .command('wait-task')
    .description('wait until a task ends (or needs input) and print its result')
    .requiredOption('--id <task>', 'task id')
    .option('--timeout <duration>', 'how long to wait, e.g. 30s (default 30s)', parseDuration, 30_000)
    .action(
      action(async (opts: Opts, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const id = opts.id as string
          const show = progressWanted(json)
          // WaitTask blocks until the end: the state on the status line comes from a GetTask every 2 s.
          let state = 'waiting'
          const poll = show
            ? setInterval(() => {
                void client.a2a.getTask({ id }).then(
                  (r) => {
                    state = taskStateName(r.task?.state ?? types.TaskState.TASK_STATE_UNSPECIFIED)
                  },
                  () => undefined,
                )
              }, 2_000)
            : undefined
          const ticker = createWaitProgress(shorten(id), () => state, show)
          const res = await client.a2a.waitTask({ id, timeoutMs: opts.timeout as number }).finally(() => {
            clearInterval(poll)
            ticker.end()
          })
          if (json) printMessage(a2a.WaitTaskResponse, res)
          else printOutcome(res.task as types.Task)
          finishWait(res.task, res.timedOut ? 'timeout' : 'ended')
        }),
      ),
    )

  const task = program.command('task').description('inspect and steer tasks')

  task
    .command('get <id>')
    .description('show a task')
    .action(
      action(async (id: string, _opts: Opts, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.a2a.getTask({ id })
          if (json) return printMessage(a2a.GetTaskResponse, res)
          printTask(res.task as types.Task)
        }),
      ),
    )

  task
    .command('list')
    .description('list tasks, newest first')
    .option('--role <role>', 'requester or assignee')
    .option('--state <state...>', `only these states (${Object.keys(TASK_STATE_BY_NAME).join(', ')})`)
    .option('--peer <did|name>', 'only with this counterparty', '')
    .option('--skill <id>', 'only this skill', '')
    .option('--limit <n>', 'page size (max 1000)', intOption(1, 1000), 50)
    .option('--page-token <token>', 'continue after a previous page', '')
    .action(
      action(async (opts: Record<string, unknown>, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const roles: Record<string, types.TaskRole> = {
            requester: types.TaskRole.TASK_ROLE_REQUESTER,
            assignee: types.TaskRole.TASK_ROLE_ASSIGNEE,
          }
          const role = opts.role == null ? types.TaskRole.TASK_ROLE_UNSPECIFIED : roles[opts.role as string]
          if (role == null) throw new Error('--role is requester or assignee')
          const states = ((opts.state as string[] | undefined) ?? []).map((s) => {
            const v = TASK_STATE_BY_NAME[s.toLowerCase()]
            if (v == null) throw new Error(`unknown state "${s}"`)
            return v
          })
          const res = await client.a2a.listTasks({
            role,
            states,
            peer: opts.peer as string,
            skill: opts.skill as string,
            pageSize: opts.limit as number,
            pageToken: opts.pageToken as string,
          })
          if (json) return printMessage(a2a.ListTasksResponse, res)
          console.log(`${res.tasks.length} task${res.tasks.length === 1 ? '' : 's'}`)
          for (const t of res.tasks) console.log(taskLine(t))
          if (res.nextPageToken !== '') console.log(`more: --page-token ${res.nextPageToken}`)
        }),
      ),
    )

  task
    .command('cancel <id>')
    .description('cancel a task you created (the worker is told)')
    .option('--reason <text>', 'why', '')
    .action(
      action(async (id: string, opts: Opts, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.a2a.cancelTask({ id, reason: opts.reason as string })
          if (json) return printMessage(a2a.CancelTaskResponse, res)
          printFields([
            ['Task ID', id],
            ['Status', taskStateName((res.task as types.Task).state)],
          ])
        }),
      ),
    )

  task
    .command('events <id>')
    .description('stream a task: replay its events (after --after), then live until it ends')
    .option('--after <sequence>', 'replay only events after this sequence', intOption(0), 0)
    .action(
      action(async (id: string, opts: Opts, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const signal = interrupted()
          for await (const { event } of client.a2a.subscribeTaskEvents(
            { id, afterSequence: opts.after as number },
            { signal },
          )) {
            if (event == null) continue
            if (json) printMessageLine(types.TaskEvent, event)
            else if (event.sequence === 0 && event.task != null) console.log(taskLine(event.task))
            else console.log(eventLine(event))
          }
        }),
      ),
    )

  task
    .command('input <id>')
    .description('answer a task that is INPUT_REQUIRED')
    .option('-i, --input <text>', 'text answer')
    .option('--data <json>', 'JSON answer')
    .action(
      action(async (id: string, opts: Opts, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.a2a.sendTaskInput({ id, input: inputParts(opts) })
          if (json) return printMessage(a2a.SendTaskInputResponse, res)
          printFields([
            ['Task ID', id],
            ['Status', taskStateName((res.task as types.Task).state)],
          ])
        }),
      ),
    )
}
