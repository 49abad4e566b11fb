// What clients observed (operations with invocation and completion times) and what each member ended
// up with (its committed log): the two inputs of the linearizability checker.

export interface AppendOp {
  kind: 'append'
  /** Client id and sequence number: the entry's identity across retries. */
  key: string
  invoke: number
  /** Completion time and committed index; both absent when the client never got an answer. */
  complete?: number
  index?: number
}

export interface ReadOp {
  kind: 'read'
  client: string
  invoke: number
  complete?: number
  /** Length of the committed prefix the read returned and the chain hash of its last entry. */
  length?: number
  hash?: string
}

export type Op = AppendOp | ReadOp

export interface LogEntry {
  index: number
  /** Client key for data entries, '' for noops and config entries. */
  key: string
  hash: string
}

export interface MemberLog {
  member: string
  entries: LogEntry[]
}
