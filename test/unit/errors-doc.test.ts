// docs/errors.md must list every reason code the daemon can produce, so clients can rely on it.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../harness/paths.ts'

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === 'gen' ? [] : tsFiles(path)
    return path.endsWith('.ts') ? [path] : []
  })
}

const CONSTRUCTORS =
  /(?:invalidArgument|notFound|failedPrecondition|unavailable|MoltmeshError)\(\s*(?:'[a-z_]+',\s*)?'([A-Z][A-Z0-9_]+)'/g

describe('docs/errors.md', () => {
  it('documents every reason code used in daemon/', () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'errors.md'), 'utf8')
    const used = new Set<string>()
    for (const file of tsFiles(join(REPO_ROOT, 'daemon'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(CONSTRUCTORS)) used.add(m[1]!)
    }
    expect(used.size).toBeGreaterThan(10)
    const missing = [...used].filter((reason) => !doc.includes(`\`${reason}\``))
    expect(missing).toEqual([])
  })
})
