// Reasons inside the daemon are named, never spelled into an Error's message and read back from it:
// subsystems throw MoltmeshError with a reason from daemon/errors/reasons.ts and callers test
// `err.reason`. These scans keep the old pattern from coming back, and keep the reason union and
// docs/errors.md in step.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { refused } from '../../../daemon/errors/moltmesh-error.ts'
import { toServiceError } from '../../../daemon/rpc/status-map.ts'
import { REPO_ROOT } from '../../harness/paths.ts'

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === 'gen' ? [] : tsFiles(path)
    return path.endsWith('.ts') ? [path] : []
  })
}

/** `file:line: text` of every line in daemon/ matching `pattern`. */
function scan(pattern: RegExp): string[] {
  const hits: string[] = []
  for (const file of tsFiles(join(REPO_ROOT, 'daemon'))) {
    for (const [i, line] of readFileSync(file, 'utf8').split('\n').entries())
      if (pattern.test(line)) hits.push(`${relative(REPO_ROOT, file)}:${i + 1}: ${line.trim()}`)
  }
  return hits
}

/** The quoted codes of one `export type X = | 'A' | 'B'` union in reasons.ts. */
function unionMembers(source: string, name: string): string[] {
  const start = source.indexOf(`export type ${name} =`)
  const end = source.indexOf('export type', start + 1)
  const body = source.slice(start, end === -1 ? undefined : end)
  return [...body.matchAll(/^\s*\|\s*'([A-Z][A-Z0-9_]+)'/gm)].map((m) => m[1]!)
}

describe('named errors in daemon/', () => {
  it('no Error carries a reason code as its message', () => {
    // new Error('RECORD_MALFORMED'), new Error(`CARD_${x}`): use refused()/invalidArgument() etc.
    expect(scan(/new Error\(\s*['"`][A-Z][A-Z0-9]*_[A-Z0-9_]+/)).toEqual([])
  })

  it('no code reads a reason back from an error message', () => {
    expect(scan(/\.message\s*[!=]==?\s*['"`][A-Z][A-Z0-9]*_[A-Z0-9_]+/)).toEqual([])
    expect(scan(/\.message\.(startsWith|includes|endsWith)\(\s*['"`][A-Z][A-Z0-9]*_/)).toEqual([])
    expect(scan(/const reason = \(err as Error\)\.message/)).toEqual([])
  })

  it('the scans find the pattern they forbid', () => {
    // Guards the regular expressions above against matching nothing at all.
    const forbidden = /new Error\(\s*['"`][A-Z][A-Z0-9]*_[A-Z0-9_]+/
    expect(forbidden.test(`throw new Error('RECORD_MALFORMED')`)).toBe(true)
    expect(forbidden.test(`throw new Error('daemon not started')`)).toBe(false)
  })

  it('every client-facing reason in the union is documented in docs/errors.md', () => {
    const source = readFileSync(join(REPO_ROOT, 'daemon', 'errors', 'reasons.ts'), 'utf8')
    const client = unionMembers(source, 'ClientReason')
    expect(client.length).toBeGreaterThan(50)
    expect(unionMembers(source, 'RecordReason').length).toBeGreaterThan(10)
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'errors.md'), 'utf8')
    expect(client.filter((reason) => !doc.includes(`\`${reason}\``))).toEqual([])
  })

  it('a refused record keeps its reason at the RPC edge, should one ever reach it', () => {
    const mapped = toServiceError(refused('RECORD_MALFORMED', 'record is not JSON'))
    expect(mapped.reason).toBe('RECORD_MALFORMED')
    expect(mapped.unexpected).toBe(false)
    expect(mapped.error.details).toBe('record is not JSON')
  })
})
