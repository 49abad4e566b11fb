// Anti-entropy on /moltmesh/net/1.0.0 (see proto/moltmesh/wire/v1/networks.proto for the exchange):
// two daemons swap the membership operations the other lacks, and a member fetches the broadcasts it
// missed. The server serves descriptors and operations to anyone who names the network id (a removed
// member must be able to learn that it was removed), but history only to current members. Every
// frame size and count is bounded; hostile input is counted and cuts the stream.

import type { Connection, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { reasonOf, refused } from '../errors/moltmesh-error.ts'
import { peerIdFromDid, tryDidFromPeerId } from '../identity/did.ts'
import type { Logger } from '../log/logger.ts'
import type { Counter } from '../metrics/metrics.ts'
import type { Host } from '../p2p/create-host.ts'
import { isFrameTooLarge } from '../p2p/frame-errors.ts'
import { openProtocolStream } from '../p2p/open-stream.ts'
import { NetSyncFrame, type NetworkBroadcast } from '../wire/gen/moltmesh/wire/v1/networks.ts'
import { strictReader } from '../wire/strict-utf8.ts'
import type { Broadcasts } from './broadcasts.ts'
import { isNetworkId } from './records.ts'
import { MAX_OPS_PER_NETWORK, type Registry } from './registry.ts'

export const NET_PROTOCOL = '/moltmesh/net/1.0.0'

export interface SyncComponents {
  host: Host
  registry: Registry
  broadcasts: Broadcasts
  logger: Logger
  hostile: Counter
  selfDid: string
  maxPayloadBytes: number
  maxMessages: number
  dialTimeoutMs: number
}

export interface SyncResult {
  /** Set when the peer does not serve the network (NETWORK_NOT_FOUND). */
  reason?: string
  /** The peer's descriptor text (unverified). */
  descriptor: string
  /** Operation texts the peer sent (unverified when the network was unknown here). */
  ops: string[]
  /** Broadcasts fetched and stored. */
  fetched: number
}

const READ_TIMEOUT_MS = 10_000
const SYNC_TIMEOUT_MS = 60_000
/** Operations per frame, and the bytes they may take (a frame also bounds what one read costs). */
const OPS_PER_FRAME = 256
const OPS_FRAME_BYTES = 512 * 1024
const MAX_INBOUND_STREAMS = 16

export function createSync(c: SyncComponents) {
  // A request carries every operation hash (64 chars) and message id of a network; a message frame
  // carries one broadcast.
  const maxFrame = Math.max(2 * 1024 * 1024, c.maxPayloadBytes + 64 * 1024)

  async function writeOps(lp: ReturnType<typeof lpStream>, texts: string[], signal: AbortSignal) {
    let batch: string[] = []
    let bytes = 0
    for (const text of texts) {
      if (batch.length >= OPS_PER_FRAME || bytes + text.length > OPS_FRAME_BYTES) {
        await lp.write(NetSyncFrame.encode({ ops: { ops: batch } }).finish(), { signal })
        batch = []
        bytes = 0
      }
      batch.push(text)
      bytes += text.length
    }
    if (batch.length > 0) await lp.write(NetSyncFrame.encode({ ops: { ops: batch } }).finish(), { signal })
    await lp.write(NetSyncFrame.encode({ end: {} }).finish(), { signal })
  }

  async function read(lp: ReturnType<typeof lpStream>, signal: AbortSignal): Promise<NetSyncFrame> {
    const bytes = await lp.read({ signal: AbortSignal.any([signal, AbortSignal.timeout(READ_TIMEOUT_MS)]) })
    return NetSyncFrame.decode(strictReader(bytes.subarray()))
  }

  /** Reads operation frames up to the end frame. */
  async function readOps(lp: ReturnType<typeof lpStream>, signal: AbortSignal): Promise<string[]> {
    const out: string[] = []
    while (true) {
      const frame = await read(lp, signal)
      if (frame.end != null) return out
      if (frame.ops == null) throw refused('MALFORMED_FRAME', 'expected operations or the end')
      out.push(...frame.ops.ops)
      if (out.length > MAX_OPS_PER_NETWORK)
        throw refused('TOO_MANY_OPS', `more than ${MAX_OPS_PER_NETWORK} operations`)
    }
  }

  /** Server side. */
  async function handle(stream: Stream, connection: Connection): Promise<void> {
    const remote = tryDidFromPeerId(connection.remotePeer)
    if (remote == null) {
      c.hostile.inc({ protocol: 'net', reason: 'NOT_ED25519' })
      stream.abort(new Error('refused'))
      return
    }
    const signal = AbortSignal.timeout(SYNC_TIMEOUT_MS)
    const lp = lpStream(stream, { maxDataLength: maxFrame })
    try {
      const request = (await read(lp, signal)).request
      if (request == null || !isNetworkId(request.networkId))
        throw refused('MALFORMED_FRAME', 'expected a request for a network id')
      const net = request.networkId
      const state = c.registry.get(net)
      if (state == null) {
        await lp.write(
          NetSyncFrame.encode({
            header: { reason: 'NETWORK_NOT_FOUND', descriptor: '', opHashes: [] },
          }).finish(),
          { signal },
        )
        await stream.close()
        return
      }
      await lp.write(
        NetSyncFrame.encode({
          header: { reason: '', descriptor: state.descriptorText, opHashes: [...state.ops.keys()] },
        }).finish(),
        { signal },
      )
      const clientHas = new Set(request.opHashes)
      await writeOps(
        lp,
        [...state.ops.values()].filter((e) => !clientHas.has(e.hash)).map((e) => e.json),
        signal,
      )
      const pushed = await readOps(lp, signal)
      if (pushed.length > 0) await c.registry.merge(net, pushed, remote)
      if (request.wantHistory && c.registry.isMember(net, remote) && c.registry.isMember(net, c.selfDid)) {
        const max = Math.min(Math.max(0, request.maxMessages), c.maxMessages)
        for (const message of await c.broadcasts.missing(net, new Set(request.messageIds), max))
          await lp.write(NetSyncFrame.encode({ message }).finish(), { signal })
      }
      await lp.write(NetSyncFrame.encode({ end: {} }).finish(), { signal })
      await stream.close()
    } catch (err) {
      const reason = isFrameTooLarge(err) ? 'FRAME_TOO_LARGE' : reasonOf(err)
      if (reason === 'MALFORMED_FRAME' || reason === 'TOO_MANY_OPS' || reason === 'FRAME_TOO_LARGE') {
        c.hostile.inc({ protocol: 'net', reason })
        c.logger.warn({ peer: remote, reason }, 'bad network sync stream')
      } else c.logger.debug({ peer: remote, err: (err as Error).message }, 'network sync stream ended')
      stream.abort(err as Error)
    }
  }

  /**
   * Client side: one exchange with `did` about network `net`. For a network this daemon does not know
   * yet, it only collects the peer's descriptor and operations (the caller verifies and adopts them).
   */
  async function syncWith(did: string, net: string, outer?: AbortSignal): Promise<SyncResult> {
    const signal = AbortSignal.any([AbortSignal.timeout(SYNC_TIMEOUT_MS), ...(outer != null ? [outer] : [])])
    const stream = await openProtocolStream(c.host, peerIdFromDid(did), NET_PROTOCOL, {
      signal: AbortSignal.any([signal, AbortSignal.timeout(c.dialTimeoutMs)]),
    })
    const lp = lpStream(stream, { maxDataLength: maxFrame })
    try {
      const known = c.registry.get(net)
      const member = known != null && c.registry.isMember(net, c.selfDid)
      await lp.write(
        NetSyncFrame.encode({
          request: {
            networkId: net,
            opHashes: known != null ? [...known.ops.keys()] : [],
            messageIds: member ? await c.broadcasts.ids(net) : [],
            wantHistory: member,
            maxMessages: c.maxMessages,
          },
        }).finish(),
        { signal },
      )
      const header = (await read(lp, signal)).header
      if (header == null) throw refused('MALFORMED_FRAME', 'expected a header')
      if (header.reason !== '') {
        await stream.close()
        return { reason: header.reason, descriptor: '', ops: [], fetched: 0 }
      }
      const ops = await readOps(lp, signal)
      const state = c.registry.get(net)
      if (state != null) {
        await c.registry.merge(net, ops, did)
        const serverHas = new Set(header.opHashes)
        await writeOps(
          lp,
          [...state.ops.values()].filter((e) => !serverHas.has(e.hash)).map((e) => e.json),
          signal,
        )
      } else await writeOps(lp, [], signal)
      let fetched = 0
      const floor = state != null ? await c.broadcasts.oldestWanted(net) : 0
      while (true) {
        const frame = await read(lp, signal)
        if (frame.end != null) break
        if (frame.message == null) throw refused('MALFORMED_FRAME', 'expected a broadcast or the end')
        if (state != null && frame.message.sentAtMs >= floor && (await accept(state, frame.message, did)))
          fetched++
      }
      await stream.close()
      return { descriptor: header.descriptor, ops, fetched }
    } catch (err) {
      stream.abort(err as Error)
      throw err
    }
  }

  async function accept(state: NonNullable<ReturnType<Registry['get']>>, b: NetworkBroadcast, peer: string) {
    const verdict = await c.broadcasts.check(state, b, undefined, 'history')
    if (verdict !== 'OK') {
      c.broadcasts.refused(state, verdict, peer, b.id)
      return false
    }
    return (await c.broadcasts.store(state, b)) != null
  }

  return {
    syncWith,
    async start(): Promise<void> {
      await c.host.handle(NET_PROTOCOL, handle, {
        maxInboundStreams: MAX_INBOUND_STREAMS,
        maxOutboundStreams: MAX_INBOUND_STREAMS,
        // Members behind NAT are reached through relays (relay limits: docs/network.md).
        runOnLimitedConnection: true,
      })
    },
    async stop(): Promise<void> {
      await c.host.unhandle(NET_PROTOCOL).catch(() => undefined)
    },
  }
}

export type Sync = ReturnType<typeof createSync>
