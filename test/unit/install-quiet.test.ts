// A fresh `npm install` prints no install-scripts note: every package of the lockfile with an install
// script is reviewed in package.json's allowScripts (npm 11 warns about the others, npm 12 skips them,
// and skipping the `node` package's would leave the repo without its Node 24).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../harness/paths.ts'

const read = (file: string) => JSON.parse(readFileSync(join(REPO_ROOT, file), 'utf8'))

describe('npm install', () => {
  it('allowScripts covers every dependency with an install script, and nothing else', () => {
    const lock = read('package-lock.json') as { packages: Record<string, { hasInstallScript?: boolean }> }
    const withScripts = Object.entries(lock.packages)
      .filter(([path, p]) => path !== '' && p.hasInstallScript === true)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length))
      .sort()
    expect(withScripts).toContain('node')
    const allowed = read('package.json').allowScripts as Record<string, boolean>
    expect(Object.keys(allowed).sort()).toEqual(withScripts)
    expect(Object.values(allowed).every((v) => v === true)).toBe(true)
  })
})
