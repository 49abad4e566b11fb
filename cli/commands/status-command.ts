// `moltmesh status`: one screen of what a user asks first (as `tailscale status` / `ipfs id` do):
// is the daemon up, who am I, who am I connected to, what do I offer and is anyone serving it, and
// what is stuck (queued messages, open tasks, failing webhooks). Several read-only RPCs, in parallel.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Command } from 'commander'
import { type Client, taskStateName, types } from '../../clients/ts/index.ts'
import { action, withClient } from '../context.ts'
import { priceText } from '../output/card-format.ts'
import { formatDuration, printFields, printJson } from '../output/format.ts'
import { safeText } from '../output/terminal-safe.ts'

const OPEN_STATES = [
  types.TaskState.TASK_STATE_SUBMITTED,
  types.TaskState.TASK_STATE_WORKING,
  types.TaskState.TASK_STATE_INPUT_REQUIRED,
  types.TaskState.TASK_STATE_AUTH_REQUIRED,
]
/** How many queued messages / open tasks / failed deliveries are counted before "1000+". */
const COUNT_LIMIT = 1000

export interface StatusReport {
  version: string
  pid: number
  uptimeMs: number
  did: string
  names: string[]
  peers: number
  dhtMode: string
  listenAddresses: string[]
  announceAddresses: string[]
  skills: Array<{ id: string; price: string; visibility: string; workers: number }>
  /** Workers subscribed to every skill (they serve whatever the card offers). */
  allSkillWorkers: number
  queuedMessages: number
  openTasks: { requester: number; assignee: number; byState: Record<string, number> }
  webhooks: { total: number; disabled: Array<{ id: string; reason: string }>; failedDeliveries: number }
  dataDir: string
  socket: string
  configFile: string
  /** <data-dir>/daemon.log when a detached daemon writes there; empty for a foreground daemon. */
  logFile: string
}

const VISIBILITY: Record<number, string> = {
  [types.Visibility.VISIBILITY_WHITELIST]: 'whitelist',
  [types.Visibility.VISIBILITY_PRIVATE]: 'private',
}

export async function collectStatus(client: Client): Promise<StatusReport> {
  const [info, names, card, outbox, tasks, webhooks, failed, metrics] = await Promise.all([
    client.diag.getInfo({}),
    client.a2a.listNames({}),
    client.a2a.getAgentCard({ did: '' }),
    client.a2a.getOutbox({ status: types.MessageStatus.MESSAGE_STATUS_QUEUED, pageSize: COUNT_LIMIT }),
    client.a2a.listTasks({ states: OPEN_STATES, pageSize: COUNT_LIMIT }),
    client.ext.listWebhooks({}),
    client.ext.listWebhookDeliveries({ status: 'failed', pageSize: COUNT_LIMIT }),
    client.diag.getMetrics({}),
  ])
  const workers = new Map<string, number>()
  for (const m of metrics.metrics)
    if (m.name === 'moltmesh_task_workers') workers.set(m.labels.skill ?? '', m.value)
  const byState: Record<string, number> = {}
  let requester = 0
  for (const t of tasks.tasks) {
    const name = taskStateName(t.state)
    byState[name] = (byState[name] ?? 0) + 1
    if (t.role === types.TaskRole.TASK_ROLE_REQUESTER) requester++
  }
  const logFile = join(info.dataDir, 'daemon.log')
  return {
    version: info.version,
    pid: info.pid,
    uptimeMs: Number(info.uptimeMs),
    did: info.did,
    names: names.names.map((n) => n.name),
    peers: info.peerCount,
    dhtMode: info.dhtMode,
    listenAddresses: info.listenAddresses,
    announceAddresses: info.announceAddresses,
    skills: (card.card?.skills ?? []).map((s) => ({
      id: s.id,
      price: s.price,
      visibility: VISIBILITY[s.visibility] ?? 'public',
      workers: workers.get(s.id) ?? 0,
    })),
    allSkillWorkers: workers.get('*') ?? 0,
    queuedMessages: outbox.messages.length,
    openTasks: { requester, assignee: tasks.tasks.length - requester, byState },
    webhooks: {
      total: webhooks.webhooks.length,
      disabled: webhooks.webhooks
        .filter((w) => !w.enabled)
        .map((w) => ({ id: w.id, reason: w.disabledReason })),
      failedDeliveries: failed.deliveries.length,
    },
    dataDir: info.dataDir,
    socket: info.socket,
    configFile: info.configFile,
    logFile: existsSync(logFile) ? logFile : '',
  }
}

const count = (n: number) => (n >= COUNT_LIMIT ? `${COUNT_LIMIT}+` : String(n))

function skillLine(s: StatusReport['skills'][number], everySkill: number): string {
  const served = s.workers + everySkill
  const worker = served > 0 ? `${served} worker${served === 1 ? '' : 's'}` : 'no worker'
  return safeText(`${s.id}  ${priceText(s.price)}  ${s.visibility}  ${worker}`)
}

export function printStatus(r: StatusReport): void {
  const open = r.openTasks.requester + r.openTasks.assignee
  const states = Object.entries(r.openTasks.byState)
    .map(([state, n]) => `${n} ${state}`)
    .join(', ')
  const reach =
    r.announceAddresses.length > 0
      ? `announcing ${r.announceAddresses.join(', ')}`
      : `DHT ${r.dhtMode}; no announce address set, peers see the listen addresses`
  printFields([
    ['Daemon', `running (pid ${r.pid}, version ${r.version}, up ${formatDuration(r.uptimeMs)})`],
    ['DID', r.did],
    ['Names', r.names.length > 0 ? r.names.join(', ') : '(none: `moltmesh name claim <name>`)'],
    ['Peers', `${r.peers} connected`],
    ['Listening', r.listenAddresses],
    ['Reachability', reach],
    [
      'Skills',
      r.skills.length > 0
        ? r.skills.map((s) => skillLine(s, r.allSkillWorkers))
        : ['(none on the card: declare [[agent.skills]] or run `moltmesh worker`)'],
    ],
    [
      'Outbox',
      `${count(r.queuedMessages)} queued${r.queuedMessages > 0 ? ' (`moltmesh get-outbox --status queued`)' : ''}`,
    ],
    [
      'Tasks',
      open === 0
        ? 'none open'
        : `${count(open)} open: ${r.openTasks.requester} requested, ${r.openTasks.assignee} assigned (${states})`,
    ],
    [
      'Webhooks',
      r.webhooks.total === 0
        ? 'none'
        : `${r.webhooks.total}, ${r.webhooks.disabled.length} disabled, ${count(r.webhooks.failedDeliveries)} failed deliveries`,
    ],
    ...r.webhooks.disabled.map((w): [string, string] => ['', `${w.id} disabled: ${w.reason}`]),
    ['Data dir', r.dataDir],
    ['Socket', r.socket],
    ['Config', r.configFile || '(none: defaults)'],
    [
      'Log file',
      r.logFile ||
        '(none: a foreground daemon logs to its terminal; `start --detach` writes <data-dir>/daemon.log)',
    ],
  ])
}

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('daemon, identity, peers, skills and their workers, queued messages, open tasks, webhooks')
    .action(
      action(async (_opts: unknown, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const report = await collectStatus(client)
          if (json) return printJson(report)
          printStatus(report)
        }),
      ),
    )
}
