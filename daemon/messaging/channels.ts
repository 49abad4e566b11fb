// The channel registry: how messaging carries other subsystems' traffic without knowing them. A
// subsystem (tasks, networks, later ordered threads) registers a channel: the MessageBody field its
// frames travel in, the id prefix of the envelopes it sends, the handler for frames that arrive, and
// what happens to a frame that could not be delivered. The receiver and the delivery workers go through
// this registry; nothing in messaging/ imports a subsystem that uses it.

import type { Logger } from '../log/logger.ts'
import { CHANNEL_NAMES, type ChannelFrame, type ChannelName } from '../wire/messaging-codec.ts'
import type { OutboxRecord } from './records.ts'

/** Id prefix of plain messages; no channel may take it. */
export const MESSAGE_ID_PREFIX = 'msg'

/** A handler's answer to one frame, sent back to the peer in the ack. */
export type FrameOutcome =
  | { status: 'stored' | 'duplicate' }
  | { status: 'rejected'; reason: string; detail?: string }

/**
 * What the registry made of a frame: the handler's outcome, or no handler. `not_ready`: the channel is
 * not registered yet and registration is still open (the daemon is starting), so the peer retries.
 * `unknown`: every subsystem has registered and none took this channel.
 */
export type Dispatched = FrameOutcome | { status: 'not_ready' } | { status: 'unknown' }

export interface ChannelSpec<K extends ChannelName = ChannelName> {
  /** The MessageBody field the channel's frames travel in (wire/messaging-codec.ts CHANNEL_NAMES). */
  name: K
  /** Prefix of the ids of envelopes sent on this channel ('tfr' gives tfr_…); unique, never 'msg'. */
  idPrefix: string
  /**
   * Handles a frame from `from` (the authenticated sender; envelope signature, recipient and expiry
   * already checked). It persists the frame's effect before answering, as the inbox does for
   * messages; a frame it cannot accept is refused with a reason code. A throw answers
   * PROCESSING_FAILED (or RETRY_LATER for storage errors), see receiver.ts.
   */
  handle: (from: string, frame: ChannelFrame<K>) => Promise<FrameOutcome>
  /**
   * The ordering key of a frame (e.g. its task): frames of one stream with different keys are
   * handled side by side, those with the same key one after the other, in stream order. A frame
   * without a key (or a channel without this function) waits for every frame before it, and every
   * frame after it waits for it, as plain messages do (receiver.ts).
   */
  key?: (frame: ChannelFrame<K>) => string | undefined
  /** A frame of this channel that the recipient refused for good, or that expired undelivered. */
  failed: (record: OutboxRecord) => void
}

/** A registration the registry refuses: a programming error, thrown at start-up. */
export class ChannelRegistrationError extends Error {
  override name = 'ChannelRegistrationError'
}

const ID_PREFIX = /^[a-z]{2,8}$/

export function createChannelRegistry(c: { logger: Logger }) {
  // Each spec is stored with the frame type of its own name; the map cannot say so, dispatch() relies
  // on the body field a frame came in being the channel's name.
  const channels = new Map<ChannelName, ChannelSpec>()
  // Failed frames of a channel not registered yet (delivery resumes before every subsystem starts).
  const held = new Map<string, OutboxRecord[]>()
  let sealed = false

  function notify(spec: ChannelSpec, record: OutboxRecord): void {
    try {
      spec.failed(record)
    } catch (err) {
      c.logger.error({ err, channel: spec.name, id: record.id }, 'failure callback of a channel threw')
    }
  }

  return {
    /** Adds a channel. Throws ChannelRegistrationError on a duplicate name or id prefix, or once sealed. */
    register<K extends ChannelName>(spec: ChannelSpec<K>): void {
      if (sealed) throw new ChannelRegistrationError(`channel "${spec.name}" registered after start-up`)
      if (!(CHANNEL_NAMES as readonly string[]).includes(spec.name))
        throw new ChannelRegistrationError(`"${spec.name}" is not a MessageBody channel field`)
      if (channels.has(spec.name))
        throw new ChannelRegistrationError(`channel "${spec.name}" is already registered`)
      if (!ID_PREFIX.test(spec.idPrefix))
        throw new ChannelRegistrationError(`id prefix "${spec.idPrefix}" is not 2-8 lowercase letters`)
      const taken = [...channels.values()].find((other) => other.idPrefix === spec.idPrefix)
      if (spec.idPrefix === MESSAGE_ID_PREFIX || taken != null)
        throw new ChannelRegistrationError(
          `id prefix "${spec.idPrefix}" is already used by ${taken != null ? `channel "${taken.name}"` : 'messages'}`,
        )
      // Widening K to the union: handle() is only ever called with this channel's own frames.
      const stored = spec as unknown as ChannelSpec
      channels.set(spec.name, stored)
      const waiting = held.get(spec.name) ?? []
      held.delete(spec.name)
      for (const record of waiting) notify(stored, record)
    },

    /**
     * Closes registration: every subsystem has registered. From now on a frame of a channel nobody
     * registered is refused (UNKNOWN_CHANNEL) instead of asked to wait.
     */
    seal(): void {
      sealed = true
      for (const [name, records] of held)
        c.logger.warn(
          { channel: name, frames: records.length },
          'undeliverable frames of an unregistered channel',
        )
      held.clear()
    },

    /** The id prefix of a channel's envelopes. Throws when the channel is not registered. */
    idPrefix(name: ChannelName): string {
      const spec = channels.get(name)
      if (spec == null) throw new ChannelRegistrationError(`channel "${name}" is not registered`)
      return spec.idPrefix
    },

    /** The ordering key of a frame (see ChannelSpec.key); undefined: ordered with every frame. */
    keyOf(name: ChannelName, frame: ChannelFrame): string | undefined {
      const key = channels.get(name)?.key?.(frame)
      return key == null || key === '' ? undefined : `${name}:${key}`
    },
    /** Hands a frame to its channel's handler. */
    async dispatch(from: string, name: ChannelName, frame: ChannelFrame): Promise<Dispatched> {
      const spec = channels.get(name)
      if (spec == null) return { status: sealed ? 'unknown' : 'not_ready' }
      return spec.handle(from, frame)
    },

    /** Tells a frame's channel that it could not be delivered (held until that channel registers). */
    failed(record: OutboxRecord): void {
      if (record.channel == null) return // a plain message: messaging reports it as an event
      const spec = channels.get(record.channel)
      if (spec != null) notify(spec, record)
      else if (sealed) {
        c.logger.warn(
          { channel: record.channel, id: record.id },
          'undeliverable frame of an unregistered channel',
        )
      } else {
        const list = held.get(record.channel) ?? []
        list.push(record)
        held.set(record.channel, list)
      }
    },
  }
}

export type ChannelRegistry = ReturnType<typeof createChannelRegistry>
