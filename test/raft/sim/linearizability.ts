// Linearizability checker for histories of appends to, and reads of, one replicated log.
//
// For this data type a history is linearizable exactly when the checks below hold, which makes the
// check linear-ish instead of a search over orderings:
//   agreement      members' committed logs never differ at an index (same chain hash), so there is
//                  one log L they are all prefixes of;
//   exactly once   no client key appears twice in L;
//   durability     every acknowledged append is in L at the index it was given;
//   append order   an append acknowledged before another was invoked has the smaller index;
//   reads          a read returns a prefix of L that contains every append acknowledged before the
//                  read was invoked, nothing invoked after the read returned, and is no shorter than
//                  any read that returned before it was invoked.

import type { AppendOp, LogEntry, MemberLog, Op, ReadOp } from './history.ts'

export interface Violation {
  rule: 'agreement' | 'exactly-once' | 'durability' | 'append-order' | 'read-prefix' | 'read-order'
  detail: string
}

export function checkHistory(history: Op[], logs: MemberLog[]): Violation[] {
  const violations: Violation[] = []
  const agreed = agreedLog(logs, violations)
  const appends = history.filter((o): o is AppendOp => o.kind === 'append')
  const reads = history.filter((o): o is ReadOp => o.kind === 'read' && o.complete !== undefined)

  // exactly once
  const indexOfKey = new Map<string, number>()
  for (const e of agreed.values()) {
    if (e.key === '') continue
    const seen = indexOfKey.get(e.key)
    if (seen !== undefined) {
      violations.push({ rule: 'exactly-once', detail: `${e.key} committed at ${seen} and ${e.index}` })
    } else indexOfKey.set(e.key, e.index)
  }

  // durability
  const acked = appends.filter((a) => a.complete !== undefined && a.index !== undefined)
  for (const a of acked) {
    const at = agreed.get(a.index as number)
    if (at?.key !== a.key) {
      violations.push({
        rule: 'durability',
        detail: `${a.key} acknowledged at ${a.index} but the log has ${at == null ? 'nothing' : `"${at.key}"`} there`,
      })
    }
  }

  // append order: sweep appends by completion time, keeping the highest index acknowledged so far.
  const byComplete = [...acked].sort((x, y) => (x.complete as number) - (y.complete as number))
  const byInvoke = [...acked].sort((x, y) => x.invoke - y.invoke)
  let done = 0
  let maxIndex = 0
  let maxKey = ''
  for (const b of byInvoke) {
    while (done < byComplete.length && (byComplete[done]?.complete as number) < b.invoke) {
      const a = byComplete[done] as AppendOp
      if ((a.index as number) > maxIndex) {
        maxIndex = a.index as number
        maxKey = a.key
      }
      done++
    }
    if ((b.index as number) <= maxIndex) {
      violations.push({
        rule: 'append-order',
        detail: `${b.key} (index ${b.index}) was invoked after ${maxKey} (index ${maxIndex}) was acknowledged`,
      })
    }
  }

  // reads
  const invokeOfKey = new Map(appends.map((a) => [a.key, a.invoke]))
  for (const r of reads) {
    const length = r.length as number
    if (length > 0 && agreed.get(length)?.hash !== r.hash) {
      violations.push({
        rule: 'read-prefix',
        detail: `read by ${r.client} at ${r.invoke} saw a prefix not in the log`,
      })
      continue
    }
    for (const a of acked) {
      if ((a.complete as number) < r.invoke && (a.index as number) > length) {
        violations.push({
          rule: 'read-prefix',
          detail: `read by ${r.client} at ${r.invoke} returned ${length} entries, missing ${a.key} acknowledged at ${a.index}`,
        })
        break
      }
    }
    for (let i = 1; i <= length; i++) {
      const key = agreed.get(i)?.key ?? ''
      const invoked = invokeOfKey.get(key)
      if (invoked !== undefined && invoked > (r.complete as number)) {
        violations.push({
          rule: 'read-prefix',
          detail: `read by ${r.client} completed at ${r.complete} but saw ${key}, invoked later at ${invoked}`,
        })
        break
      }
    }
  }
  const readsByComplete = [...reads].sort((x, y) => (x.complete as number) - (y.complete as number))
  const readsByInvoke = [...reads].sort((x, y) => x.invoke - y.invoke)
  done = 0
  let longest = 0
  for (const r of readsByInvoke) {
    while (done < readsByComplete.length && (readsByComplete[done]?.complete as number) < r.invoke) {
      longest = Math.max(longest, readsByComplete[done]?.length as number)
      done++
    }
    if ((r.length as number) < longest) {
      violations.push({
        rule: 'read-order',
        detail: `read by ${r.client} at ${r.invoke} returned ${r.length} entries after an earlier read returned ${longest}`,
      })
    }
  }
  return violations
}

/** Merges members' logs into the one log they must all be prefixes of, reporting disagreements. */
function agreedLog(logs: MemberLog[], violations: Violation[]): Map<number, LogEntry> {
  const agreed = new Map<number, LogEntry>()
  const holder = new Map<number, string>()
  for (const log of logs) {
    let expected = 1
    for (const e of log.entries) {
      if (e.index !== expected) {
        violations.push({
          rule: 'agreement',
          detail: `${log.member}'s log jumps from ${expected - 1} to ${e.index}`,
        })
        break
      }
      expected++
      const other = agreed.get(e.index)
      if (other == null) {
        agreed.set(e.index, e)
        holder.set(e.index, log.member)
      } else if (other.hash !== e.hash || other.key !== e.key) {
        violations.push({
          rule: 'agreement',
          detail: `index ${e.index}: ${holder.get(e.index)} has "${other.key}", ${log.member} has "${e.key}"`,
        })
        break
      }
    }
  }
  return agreed
}
