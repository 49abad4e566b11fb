// Generated files are committed; regenerating them must change nothing. Also runs the Python stub
// tests (pytest) in the repo's .venv, created by `npm run setup:python` (part of `npm test`).
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../harness/paths.ts'

const GENERATED = [
  'clients/ts/gen',
  'daemon/wire/gen',
  'clients/python/moltmesh/gen',
  'moltbook.toml',
  'docs/config.md',
]
const venvPython = join(REPO_ROOT, '.venv', 'bin', 'python')

function listFiles(path: string): string[] {
  if (!existsSync(path)) return []
  if (!statSync(path).isDirectory()) return [path]
  return readdirSync(path).flatMap((name) => (name === '__pycache__' ? [] : listFiles(join(path, name))))
}

describe('generated code', () => {
  const out = mkdtempSync(join(tmpdir(), 'mm-codegen-'))
  afterAll(() => rmSync(out, { recursive: true, force: true }))

  it('is up to date with proto/ and the config schema (run `npm run gen` if this fails)', () => {
    expect(existsSync(venvPython), 'run `npm run setup:python` first').toBe(true)
    execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'gen.ts'), '--out', out], { stdio: 'pipe' })
    const stale: string[] = []
    for (const entry of GENERATED) {
      const committed = listFiles(join(REPO_ROOT, entry)).map((f) => relative(REPO_ROOT, f))
      const fresh = listFiles(join(out, entry)).map((f) => relative(out, f))
      expect(fresh.length, `${entry} was not generated`).toBeGreaterThan(0)
      for (const file of new Set([...committed, ...fresh])) {
        const a = existsSync(join(REPO_ROOT, file))
          ? readFileSync(join(REPO_ROOT, file), 'utf8')
          : '<missing>'
        const b = existsSync(join(out, file)) ? readFileSync(join(out, file), 'utf8') : '<missing>'
        if (a !== b) stale.push(file)
      }
    }
    expect(stale, `stale generated files: ${stale.join(', ')}`).toEqual([])
  }, 60_000)

  it('every generated file says it is generated', () => {
    for (const file of [
      ...listFiles(join(REPO_ROOT, 'clients/ts/gen')),
      ...listFiles(join(REPO_ROOT, 'clients/python/moltmesh/gen')),
    ]) {
      expect(readFileSync(file, 'utf8').slice(0, 200), file).toMatch(/DO NOT EDIT/)
    }
  })

  it('the Python stubs import and cover every RPC (pytest)', () => {
    const res = spawnSync(
      venvPython,
      ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'clients/python/tests'],
      {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      },
    )
    expect(res.status, `${res.stdout}\n${res.stderr}`).toBe(0)
    expect(res.stdout).toMatch(/\d+ passed/)
  }, 60_000)
})
