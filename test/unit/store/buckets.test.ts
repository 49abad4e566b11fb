import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  BUCKETS,
  type BucketName,
  type BucketSpec,
  RETIRED_SUBLEVELS,
} from '../../../daemon/store/buckets.ts'
import { json, single, text, unit } from '../../../daemon/store/codecs.ts'
import { str } from '../../../daemon/store/shape.ts'
import { openStore } from '../../../daemon/store/store.ts'

const names = Object.keys(BUCKETS) as BucketName[]
const spec = (name: BucketName): BucketSpec => BUCKETS[name]

/** Two buckets overlap when they share a sublevel and one's prefix starts the other's. */
function overlap(a: BucketSpec, b: BucketSpec): boolean {
  return a.sublevel === b.sublevel && (a.prefix.startsWith(b.prefix) || b.prefix.startsWith(a.prefix))
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name)
    if (e.isDirectory()) return e.name === 'gen' || e.name === 'web' ? [] : sourceFiles(path)
    return e.name.endsWith('.ts') ? [path] : []
  })
}

describe('bucket table', () => {
  it('has no two buckets whose keys can overlap', () => {
    const ledger = (prefix: string): BucketSpec => ({ sublevel: 'ledger', prefix, owner: '', holds: '' })
    expect(overlap(ledger('e!'), ledger('e!in!'))).toBe(true)
    expect(overlap(ledger(''), ledger('a!'))).toBe(true)
    expect(overlap(ledger('e!'), { ...ledger('e!'), sublevel: 'tasks' })).toBe(false)
    const clashes: string[] = []
    for (const [i, a] of names.entries())
      for (const b of names.slice(i + 1)) if (overlap(spec(a), spec(b))) clashes.push(`${a} / ${b}`)
    expect(clashes).toEqual([])
  })

  it('uses sublevel names and prefixes the key layout can keep apart', () => {
    for (const name of names) {
      const { sublevel, prefix, exact } = spec(name)
      expect(sublevel, name).toMatch(/^[a-z][a-z-]*$/) // no "!": sublevel prefixes are "!<name>!"
      expect(RETIRED_SUBLEVELS, name).not.toContain(sublevel)
      expect(prefix, name).toMatch(/^[\x21-\x7e]*$/) // ASCII: a range's end is the prefix's successor
      // A prefix that is not a whole key ends with the separator, so "a!" never runs into "ab!".
      if (exact !== true && prefix !== '') expect(prefix.endsWith('!'), name).toBe(true)
      if (exact === true) expect(prefix, name).not.toBe('')
    }
  })

  it('is the only place buckets are named: each is opened in its owner file and nowhere else', () => {
    const daemon = join(import.meta.dirname, '../../../daemon')
    const openedIn = new Map<string, string[]>()
    for (const file of sourceFiles(daemon)) {
      const source = readFileSync(file, 'utf8')
      for (const m of source.matchAll(/repository\(\s*'([a-z.-]+)'/g)) {
        const name = m[1] ?? ''
        openedIn.set(name, [...(openedIn.get(name) ?? []), relative(daemon, file)])
      }
    }
    for (const name of names) expect(openedIn.get(name), name).toEqual([spec(name).owner])
    expect([...openedIn.keys()].filter((n) => !(n in BUCKETS))).toEqual([])
  })

  it('keeps every bucket to its own keys in a real database', async () => {
    const store = await openStore(mkdtempSync(join(tmpdir(), 'mm-buckets-')))
    try {
      // One record per bucket, written and scanned through a repository of that bucket.
      const repos = names
        .filter((name) => name !== 'store.schema')
        .map((name) => {
          const exact = spec(name).exact === true
          return { name, exact, repo: store.repository(name, exact ? unit : single(text), json(str)) }
        })
      await store.commit(
        repos.map(({ name, exact, repo }) =>
          exact ? repo.putOp(null, name) : repo.putOp(`k-${name}`, name),
        ),
      )
      for (const { name, exact, repo } of repos) {
        if (exact) {
          expect(await repo.get(null)).toBe(name)
          continue
        }
        const seen: string[] = []
        for await (const v of repo.values()) seen.push(v)
        // A bucket that owns its whole sublevel sees only records of its sublevel (there are none other).
        expect(seen, name).toEqual([name])
      }
    } finally {
      await store.close()
    }
  })
})
