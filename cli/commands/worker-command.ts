// `moltmesh worker --skill S --exec 'cmd'`: a ready-made worker. For each task of the skill it claims
// a lease, runs the command with the task input on stdin, streams stdout as CHUNK events, and
// completes the task with the whole stdout (JSON output becomes a data part) or fails it with the exit
// code and the end of stderr. The lease is renewed while the command runs; a canceled task kills it.

import { type ChildProcess, spawn } from 'node:child_process'
import type { Command } from 'commander'
import { type Client, isTerminalState, types } from '../../clients/ts/index.ts'
import { action, withClient } from '../context.ts'
import { parseDuration } from '../duration-option.ts'
import { intOption } from '../int-option.ts'
import { taskStateName } from '../output/task-format.ts'

const STDERR_TAIL = 2000

/** What the command reads: the first JSON part as JSON text, else the text parts. */
export function stdinFor(input: types.Part[]): string {
  const data = input.find((p) => p.dataJson !== undefined)
  if (data?.dataJson !== undefined) return data.dataJson
  return input
    .filter((p) => p.text !== undefined)
    .map((p) => p.text)
    .join('\n')
}

/** The task's output: stdout as a JSON part when it parses, else as text. */
export function outputFor(stdout: string): types.Part[] {
  const trimmed = stdout.trim()
  try {
    if (trimmed !== '') {
      JSON.parse(trimmed)
      return [types.Part.fromPartial({ dataJson: trimmed })]
    }
  } catch {
    // not JSON: text
  }
  return [types.Part.fromPartial({ text: stdout.replace(/\n$/, '') })]
}

async function runOne(
  client: Client,
  task: types.Task,
  leaseToken: string,
  opts: { exec: string; leaseMs: number; json: boolean },
): Promise<void> {
  const started = Date.now()
  const child: ChildProcess = spawn('sh', ['-c', opts.exec], {
    stdio: ['pipe', 'pipe', 'pipe'],
    // Its own process group, so a stop reaches the command's children too (e.g. `sleep` under sh).
    detached: true,
    env: {
      ...process.env,
      MOLTMESH_TASK_ID: task.id,
      MOLTMESH_TASK_SKILL: task.skill,
      MOLTMESH_REQUESTER: task.requester,
    },
  })
  let stopReason: string | undefined
  const stop = (why: string) => {
    stopReason ??= why
    try {
      if (child.pid != null) process.kill(-child.pid, 'SIGTERM')
    } catch {
      child.kill('SIGTERM') // already gone, or no group
    }
  }
  // Renew the lease while the command runs; losing it means someone else may take the task.
  const renew = setInterval(
    () => {
      client.a2a
        .renewLease({ id: task.id, leaseToken, leaseMs: opts.leaseMs })
        .catch((err: Error) => stop(`lease lost: ${err.message}`))
    },
    Math.max(500, Math.floor(opts.leaseMs / 3)),
  )
  // Watch for a cancel (or any other end) decided elsewhere.
  const watch = new AbortController()
  void (async () => {
    try {
      for await (const { event } of client.a2a.subscribeTaskEvents({ id: task.id }, { signal: watch.signal }))
        if (event?.task != null && isTerminalState(event.task.state))
          stop(taskStateName(event.task.state).toLowerCase())
    } catch {
      // the watch ends with the task or the worker
    }
  })()
  let stdout = ''
  let stderr = ''
  let chunks = Promise.resolve()
  child.stdout?.setEncoding('utf8')
  child.stderr?.setEncoding('utf8')
  child.stdout?.on('data', (text: string) => {
    stdout += text
    chunks = chunks.then(() =>
      client.a2a
        .publishTaskEvent({
          id: task.id,
          leaseToken,
          kind: types.TaskEventKind.TASK_EVENT_KIND_CHUNK,
          parts: [{ text }],
        })
        .then(
          () => undefined,
          () => undefined,
        ),
    )
  })
  child.stderr?.on('data', (text: string) => {
    stderr = (stderr + text).slice(-STDERR_TAIL)
  })
  child.stdin?.on('error', () => undefined) // a command that does not read stdin
  child.stdin?.end(stdinFor(task.input))
  const code = await new Promise<number | null>((resolve) => {
    child.on('error', (err) => {
      stderr += String(err)
      resolve(127)
    })
    child.on('close', (c) => resolve(c))
  })
  clearInterval(renew)
  await chunks
  let outcome: string
  try {
    if (stopReason != null) outcome = `stopped (${stopReason})`
    else if (code === 0) {
      await client.a2a.completeTask({ id: task.id, leaseToken, output: outputFor(stdout) })
      outcome = 'COMPLETED'
    } else {
      await client.a2a.failTask({
        id: task.id,
        leaseToken,
        error: {
          reason: 'EXIT_CODE',
          message: `command exited with ${code}${stderr ? `: ${stderr.trim()}` : ''}`,
        },
      })
      outcome = `FAILED (exit ${code})`
    }
  } catch (err) {
    outcome = `not reported: ${(err as Error).message}`
  } finally {
    watch.abort()
  }
  const ms = Date.now() - started
  if (opts.json) console.log(JSON.stringify({ task: task.id, skill: task.skill, outcome, ms }))
  else console.log(`${task.id} ${task.skill} from ${task.requester} -> ${outcome} (${ms} ms)`)
}

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('serve a skill by running a command per task (stdin = input, stdout = output)')
    .requiredOption('--skill <id...>', 'skill id(s) to serve')
    .requiredOption('--exec <command>', 'shell command run for each task')
    .option('--lease <duration>', 'lease per claim, renewed while the command runs', parseDuration, 60_000)
    .option('--concurrency <n>', 'tasks run at the same time', intOption(1, 256), 1)
    .action(
      action(
        async (opts: { skill: string[]; exec: string; lease: number; concurrency: number }, cmd: Command) =>
          withClient(cmd, async (client, { json }) => {
            const abort = new AbortController()
            process.once('SIGINT', () => abort.abort())
            process.once('SIGTERM', () => abort.abort())
            const running = new Set<Promise<void>>()
            if (!json) console.log(`serving ${opts.skill.join(', ')} with: ${opts.exec}`)
            try {
              for await (const { task } of client.a2a.subscribeTasks(
                { skills: opts.skill },
                { signal: abort.signal },
              )) {
                if (task == null) continue
                while (running.size >= opts.concurrency) await Promise.race(running)
                let claim: Awaited<ReturnType<Client['a2a']['claimTask']>>
                try {
                  claim = await client.a2a.claimTask({ id: task.id, leaseMs: opts.lease })
                } catch {
                  continue // claimed by another worker meanwhile
                }
                const run = runOne(client, claim.task as types.Task, claim.leaseToken, {
                  exec: opts.exec,
                  leaseMs: opts.lease,
                  json: json === true,
                }).finally(() => running.delete(run))
                running.add(run)
              }
            } finally {
              await Promise.allSettled(running)
            }
          }),
      ),
    )
}
