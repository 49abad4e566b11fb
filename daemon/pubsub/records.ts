// What a message on a public topic looks like inside the daemon (the API's BroadcastMessage).

export interface TopicMessageRecord {
  /** Chosen by the author ("pub_" + time-ordered id). */
  id: string
  topic: string
  /** Author DID: the GossipSub message's signing peer. */
  from: string
  payload: Uint8Array
  /** When the author published it (its clock). */
  sentAtMs: number
}
