// The JSON-lines form of a thread's log that `thread export` writes and `thread verify` (or a third
// party, with nothing but the file and the members' DIDs) checks. Line 1 is the genesis, every other
// line one entry in index order. Bytes are base64 (payload, signature) or hex (hashes).

import type { Entry, EntryKind, Genesis } from './types.ts'

export interface GenesisLine {
  genesis: { group_id: string; voters: string[] }
}

export interface EntryLine {
  index: number
  term: number
  kind: EntryKind
  proposer: string
  client: string
  seq: number
  payload: string
  signature: string
  prev_hash: string
  hash: string
}

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64')
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

export function entryLine(e: Entry): EntryLine {
  return {
    index: e.index,
    term: e.term,
    kind: e.kind,
    proposer: e.proposer,
    client: e.client,
    seq: e.seq,
    payload: b64(e.payload),
    signature: b64(e.signature),
    prev_hash: hex(e.prevHash),
    hash: hex(e.hash),
  }
}

export function exportLog(genesis: Genesis, entries: Iterable<Entry>): string {
  const lines = [JSON.stringify({ genesis: { group_id: genesis.groupId, voters: [...genesis.voters] } })]
  for (const e of entries) lines.push(JSON.stringify(entryLine(e)))
  return `${lines.join('\n')}\n`
}

/** Parses an export; throws an Error naming the line for anything malformed. */
export function parseExport(text: string): { genesis: Genesis; entries: Entry[] } {
  const lines = text.split('\n').filter((l) => l.trim() !== '')
  const first = parseLine(lines[0] ?? '', 1) as Partial<GenesisLine>
  const g = first.genesis
  if (g == null || typeof g.group_id !== 'string' || !Array.isArray(g.voters)) {
    throw new Error('line 1: expected {"genesis":{"group_id":…,"voters":[…]}}')
  }
  const genesis: Genesis = { groupId: g.group_id, voters: g.voters.map(String) }
  const entries = lines.slice(1).map((line, i) => entryFromLine(parseLine(line, i + 2), i + 2))
  return { genesis, entries }
}

function parseLine(line: string, n: number): unknown {
  try {
    return JSON.parse(line)
  } catch {
    throw new Error(`line ${n}: not JSON`)
  }
}

function entryFromLine(value: unknown, n: number): Entry {
  const v = value as Partial<EntryLine>
  const kinds: EntryKind[] = ['data', 'config', 'noop']
  const int = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0
  if (
    typeof v !== 'object' ||
    v == null ||
    !int(v.index) ||
    !int(v.term) ||
    !int(v.seq) ||
    !kinds.includes(v.kind as EntryKind) ||
    typeof v.proposer !== 'string' ||
    typeof v.client !== 'string' ||
    typeof v.payload !== 'string' ||
    typeof v.signature !== 'string' ||
    typeof v.prev_hash !== 'string' ||
    typeof v.hash !== 'string'
  ) {
    throw new Error(`line ${n}: not an entry`)
  }
  return {
    index: v.index,
    term: v.term,
    kind: v.kind as EntryKind,
    proposer: v.proposer,
    client: v.client,
    seq: v.seq,
    payload: new Uint8Array(Buffer.from(v.payload, 'base64')),
    signature: new Uint8Array(Buffer.from(v.signature, 'base64')),
    prevHash: new Uint8Array(Buffer.from(v.prev_hash, 'hex')),
    hash: new Uint8Array(Buffer.from(v.hash, 'hex')),
  }
}
