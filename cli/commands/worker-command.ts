// `moltmesh worker --skill S --exec 'cmd'`: a ready-made worker (cli/worker/exec-worker.ts). Serving a
// skill puts it on the agent's card while the worker runs, if the card lacks it (described by
// --description, --tag, --price, --input-schema). A daemon restart is survived: the worker says so
// on stderr and subscribes again; it exits 1 when the daemon stays away longer than --reconnect.

import { readFileSync } from 'node:fs'
import { type Command, Option } from 'commander'
import type { SkillOffer, WorkerStatus } from '../../clients/ts/index.ts'
import { action, withClient } from '../context.ts'
import { parseDuration } from '../duration-option.ts'
import { intOption } from '../int-option.ts'
import { runExecWorker } from '../worker/exec-worker.ts'

interface WorkerOptions {
  skill: string[]
  exec: string
  lease: number
  concurrency: number
  preclaim: boolean
  timeout: number
  reconnect: number
  description?: string
  tag?: string[]
  price?: string
  inputSchema?: string
}

/** The card description of each served skill (used only where the card lacks the skill). */
export function skillOffers(opts: WorkerOptions): SkillOffer[] {
  let inputSchema: string | undefined
  if (opts.inputSchema != null) {
    let text: string
    try {
      text = readFileSync(opts.inputSchema, 'utf8')
    } catch (err) {
      throw new Error(`--input-schema: cannot read ${opts.inputSchema}: ${(err as Error).message}`)
    }
    try {
      JSON.parse(text)
    } catch {
      throw new Error(`--input-schema: ${opts.inputSchema} is not valid JSON`)
    }
    inputSchema = text
  }
  return opts.skill.map((id) => ({
    id,
    description: opts.description,
    tags: opts.tag,
    price: opts.price,
    inputSchema,
  }))
}

function statusLine(status: WorkerStatus, command: string): string {
  switch (status.kind) {
    case 'ready':
      return `serving ${status.skills.join(', ')} with: ${command}`
    case 'lost':
      return `lost the daemon (${status.error instanceof Error ? status.error.message : String(status.error)}); reconnecting`
    case 'reconnected':
      return `reconnected after ${(status.downMs / 1000).toFixed(1)} s; serving ${status.skills.join(', ')}`
  }
}

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('serve a skill by running a command per task (stdin = input, stdout = output)')
    .requiredOption('--skill <id...>', 'skill id(s) to serve; added to the card while the worker runs')
    .requiredOption(
      '--exec <command>',
      'shell command run for each task; input artifacts are its arguments ("$@"), files written to $MOLTMESH_OUTPUT_DIR become output artifacts',
    )
    .addOption(
      new Option('--lease <duration>', 'lease per claim, renewed while the command runs')
        .argParser(parseDuration)
        .default(60_000, '60s'),
    )
    .option('--concurrency <n>', 'tasks run at the same time', intOption(1, 256), 1)
    .option(
      '--no-preclaim',
      'claim each offered task with ClaimTask instead of getting it already claimed by the daemon',
    )
    .addOption(
      new Option('--timeout <duration>', 'kill a command running longer and fail its task')
        .argParser(parseDuration)
        .default(0, 'none'),
    )
    .option('--description <text>', 'card description of a skill the card lacks')
    .option('--tag <tag...>', 'card tags of a skill the card lacks')
    .option('--price <credits>', 'price per task of a skill the card lacks (default free)')
    .option('--input-schema <file>', 'JSON Schema file the input of a skill the card lacks must match')
    .addOption(
      new Option(
        '--reconnect <duration>',
        'how long to keep trying when the daemon goes away (0 = exit at once)',
      )
        .argParser(parseDuration)
        .default(60_000, '60s'),
    )
    .action(
      action(async (opts: WorkerOptions, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const offers = skillOffers(opts)
          // The first Ctrl-C stops taking tasks and lets running commands finish; the second kills them.
          const abort = new AbortController()
          const kill = new AbortController()
          const onSignal = () => (abort.signal.aborted ? kill.abort() : abort.abort())
          process.on('SIGINT', onSignal)
          process.on('SIGTERM', onSignal)
          await runExecWorker(client, {
            skills: offers,
            command: opts.exec,
            leaseMs: opts.lease,
            concurrency: opts.concurrency,
            preclaim: opts.preclaim,
            timeoutMs: opts.timeout,
            signal: abort.signal,
            killSignal: kill.signal,
            reconnect: opts.reconnect > 0 ? { giveUpAfterMs: opts.reconnect } : false,
            onStatus: (status) => {
              if (json) console.log(JSON.stringify({ status: status.kind, skills: opts.skill }))
              else if (status.kind === 'ready') console.log(statusLine(status, opts.exec))
              else console.error(statusLine(status, opts.exec))
            },
            onTaskDone: ({ task, outcome, ms }) => {
              if (json) console.log(JSON.stringify({ task: task.id, skill: task.skill, outcome, ms }))
              else console.log(`${task.id} ${task.skill} from ${task.requester} -> ${outcome} (${ms} ms)`)
            },
          })
        }),
      ),
    )
}
