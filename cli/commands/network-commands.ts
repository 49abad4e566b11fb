// `moltmesh network create|invite|invitations|join|leave|remove|list|members|broadcast|subscribe`.

import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { type Client, ext, types } from '../../clients/ts/index.ts'
import { action, withClient } from '../context.ts'
import { parseDuration } from '../duration-option.ts'
import { printFields } from '../output/format.ts'
import { payloadText } from '../output/payload-format.ts'
import { printMessage, printMessageLine } from '../output/proto-json.ts'
import { safeText } from '../output/terminal-safe.ts'

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

function policyName(p: types.NetworkPolicy): string {
  return p === types.NetworkPolicy.NETWORK_POLICY_OPEN ? 'open' : 'invite-only'
}

function networkLine(n: types.Network): string {
  const role = n.admin ? ' (creator)' : n.joined ? '' : ' (not a member)'
  return safeText(`${n.id}  ${n.name}  ${plural(n.memberCount, 'member')}${role}`)
}

/**
 * A network given by id (`net_…`) or by name: a name must match exactly one network this daemon
 * knows (or, for `join`, one invitation received), else the error lists what it matched.
 */
export async function resolveNetwork(client: Client, ref: string, forJoin = false): Promise<string> {
  if (ref.startsWith('net_')) return ref
  const known = (await client.ext.listNetworks({})).networks.map((n) => ({ id: n.id, name: n.name }))
  const invited = forJoin
    ? (await client.ext.listInvitations({})).invitations.map((i) => ({
        id: i.networkId,
        name: i.networkName,
      }))
    : []
  const ids = [...new Set([...known, ...invited].filter((n) => n.name === ref).map((n) => n.id))]
  if (ids.length === 1) return ids[0] as string
  if (ids.length === 0)
    throw new Error(
      `no network named "${ref}" is known here${forJoin ? ' or in your invitations' : ''}: give its id (net_…), see \`moltmesh network list\``,
    )
  throw new Error(`${ids.length} networks are named "${ref}": give the id, one of ${ids.join(', ')}`)
}

/** An invitation as JSON: a NetworkInvitation, or an InviteToNetwork answer that holds one; or a file. */
function parseInvitation(value: string): types.NetworkInvitation {
  const text = value.trim().startsWith('{') ? value : readFileSync(value, 'utf8')
  let json: Record<string, unknown>
  try {
    json = JSON.parse(text) as Record<string, unknown>
  } catch {
    throw new Error(
      '--invitation must be the invitation as JSON (as `network invite --json` prints it) or a file',
    )
  }
  const inner = json.invitation != null && typeof json.invitation === 'object' ? json.invitation : json
  return types.NetworkInvitation.fromJSON(inner)
}

export function registerNetworkCommands(program: Command): void {
  const network = program
    .command('network')
    .description('named groups of agents: signed, replicated membership and broadcasts')

  network
    .command('create <name>')
    .description('create a network with this agent as creator and admin')
    .option('--description <text>', 'what the network is for', '')
    .option('--open', 'anyone who knows the id may join (default: invite-only)')
    .action(
      action(async (name: string, opts: { description: string; open?: boolean }, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.ext.createNetwork({
            name,
            description: opts.description,
            policy:
              opts.open === true
                ? types.NetworkPolicy.NETWORK_POLICY_OPEN
                : types.NetworkPolicy.NETWORK_POLICY_INVITE_ONLY,
          })
          if (json) return printMessage(ext.CreateNetworkResponse, res)
          const n = res.network as types.Network
          printFields([
            ['Network ID', n.id],
            ['Name', n.name],
            ['Policy', policyName(n.policy)],
            ['Members', `${n.memberCount} (you)`],
          ])
        }),
      ),
    )

  network
    .command('invite <network> <agent>')
    .description('send a signed invitation to an agent (DID or name) through durable messaging')
    .option('--ttl <duration>', 'validity, e.g. 24h (default 7 days)', parseDuration)
    .action(
      action(async (networkId: string, agent: string, opts: { ttl?: number }, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.ext.inviteToNetwork({
            networkId: await resolveNetwork(client, networkId),
            did: agent,
            ttlMs: opts.ttl ?? 0,
          })
          if (json) return printMessage(ext.InviteToNetworkResponse, res)
          const i = res.invitation as types.NetworkInvitation
          printFields([
            ['Invited', i.invitee],
            ['Network', `${i.networkId} (${i.networkName})`],
            ['Expires', new Date(i.expiresAtMs).toISOString()],
            ['Message ID', res.messageId],
          ])
        }),
      ),
    )

  network
    .command('invitations')
    .description('invitations received and not used yet')
    .action(
      action(async (_opts: unknown, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.ext.listInvitations({})
          if (json) return printMessage(ext.ListInvitationsResponse, res)
          console.log(plural(res.invitations.length, 'invitation'))
          for (const i of res.invitations)
            console.log(
              safeText(
                `${i.networkId}  ${i.networkName}  from ${i.inviter}  expires ${new Date(i.expiresAtMs).toISOString()}`,
              ),
            )
        }),
      ),
    )

  network
    .command('join <network>')
    .description(
      'join a network (invite-only networks: with an invitation received by message or given here)',
    )
    .option('--invitation <json|file>', 'the invitation, as `network invite --json` printed it')
    .action(
      action(async (networkId: string, opts: { invitation?: string }, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const invitation = opts.invitation != null ? parseInvitation(opts.invitation) : undefined
          const res = await client.ext.joinNetwork({
            networkId: invitation?.networkId || (await resolveNetwork(client, networkId, true)),
            invitation,
          })
          if (json) return printMessage(ext.JoinNetworkResponse, res)
          const n = res.network as types.Network
          printFields([
            ['Joined', n.id],
            ['Name', n.name],
            ['Members', n.memberCount],
          ])
        }),
      ),
    )

  network
    .command('leave <network>')
    .description('leave a network (a signed leave, replicated to the other members)')
    .action(
      action(async (networkId: string, _opts: unknown, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const id = await resolveNetwork(client, networkId)
          const res = await client.ext.leaveNetwork({ networkId: id })
          if (json) return printMessage(ext.LeaveNetworkResponse, res)
          console.log(`left ${id}`)
        }),
      ),
    )

  network
    .command('remove <network> <agent>')
    .description("remove a member (the network's admin only)")
    .action(
      action(async (networkId: string, agent: string, _opts: unknown, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const id = await resolveNetwork(client, networkId)
          const res = await client.ext.removeMember({ networkId: id, did: agent })
          if (json) return printMessage(ext.RemoveMemberResponse, res)
          console.log(`removed ${agent} from ${id}`)
        }),
      ),
    )

  network
    .command('list')
    .description('networks this agent created, joined or left')
    .action(
      action(async (_opts: unknown, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.ext.listNetworks({})
          if (json) return printMessage(ext.ListNetworksResponse, res)
          console.log(plural(res.networks.length, 'network'))
          for (const n of res.networks) console.log(networkLine(n))
        }),
      ),
    )

  network
    .command('members <network>')
    .description("a network's members, as this daemon's replica of the signed member set has them")
    .action(
      action(async (networkId: string, _opts: unknown, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.ext.listNetworkMembers({
            networkId: await resolveNetwork(client, networkId),
          })
          if (json) return printMessage(ext.ListNetworkMembersResponse, res)
          console.log(plural(res.members.length, 'member'))
          for (const m of res.members)
            console.log(`${m.did}  ${m.role.padEnd(6)}  joined ${new Date(m.joinedAtMs).toISOString()}`)
        }),
      ),
    )

  network
    .command('broadcast <network> [payload]')
    .description('send a payload to every online member (members offline now fetch it when they return)')
    .option('--payload <text>', 'payload (UTF-8 text), instead of the argument')
    .action(
      action(async (networkId: string, arg: string | undefined, opts: { payload?: string }, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const text = opts.payload ?? arg
          if (text == null) throw new Error('give the payload as an argument or with --payload')
          const res = await client.ext.broadcastNetwork({
            networkId: await resolveNetwork(client, networkId),
            payload: Buffer.from(text, 'utf8'),
          })
          if (json) return printMessage(ext.BroadcastNetworkResponse, res)
          console.log(`Delivered ${plural(res.recipients, 'member')} via GossipSub`)
          console.log(`Message ID  ${res.id}`)
        }),
      ),
    )

  network
    .command('subscribe <network>')
    .description('stream broadcasts live (with --after, first replay the stored ones after that cursor)')
    .option('--after <cursor>', 'replay stored broadcasts after this cursor first ("0" = all kept)', '')
    .action(
      action(async (networkId: string, opts: { after: string }, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const abort = new AbortController()
          process.once('SIGINT', () => abort.abort())
          if (!json) console.log('subscribed. waiting for broadcasts...')
          for await (const { message } of client.ext.subscribeNetwork(
            { networkId: await resolveNetwork(client, networkId), afterCursor: opts.after },
            { signal: abort.signal },
          )) {
            if (message == null) continue
            if (json) printMessageLine(types.BroadcastMessage, message)
            else
              console.log(
                `[${new Date(message.sentAtMs).toLocaleTimeString()}] ${safeText(message.from)} ${payloadText(message.payload)} (cursor ${message.cursor})`,
              )
          }
        }),
      ),
    )
}
