// Generated files are committed; regenerating them (scripts/gen.ts --out <tmp>) must change nothing.
// Also lints the protos (buf lint) and runs the Python SDK's tests that need no daemon (pytest) in the
// repo's .venv, which `npm run setup:python` creates (part of `npm test`).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { rewritePython } from '../../scripts/gen.ts'
import { REPO_ROOT } from '../harness/paths.ts'

/** Everything scripts/gen.ts writes, relative to the repo root. */
const GENERATED = [
  'clients/ts/gen',
  'daemon/wire/gen',
  'clients/python/moltmesh/gen',
  'moltbook.toml',
  'docs/config.md',
]
const venvPython = join(REPO_ROOT, '.venv', 'bin', 'python')
const hasVenv = existsSync(venvPython)
const NO_VENV = 'skipped: no .venv (run `npm run setup:python`; `npm test` does)'
if (!hasVenv) console.warn(`codegen.test.ts: Python-dependent tests ${NO_VENV}`)

/** Files under `path` (or `path` itself), ignoring Python bytecode caches. */
function listFiles(path: string): string[] {
  if (!existsSync(path)) return []
  if (!statSync(path).isDirectory()) return [path]
  return readdirSync(path)
    .sort()
    .flatMap((name) => (name === '__pycache__' ? [] : listFiles(join(path, name))))
}

function read(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined
}

/** One line per differing file: where it first differs, committed (-) versus regenerated (+). */
function diffHint(file: string, committed: string | undefined, fresh: string | undefined): string {
  if (committed === undefined) return `${file}: new file, not committed`
  if (fresh === undefined) return `${file}: committed but no longer generated`
  const a = committed.split('\n')
  const b = fresh.split('\n')
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  const cut = (s: string | undefined) => (s === undefined ? '<end of file>' : JSON.stringify(s.slice(0, 100)))
  return `${file}: first difference at line ${i + 1}\n  - ${cut(a[i])}\n  + ${cut(b[i])}`
}

describe('generated code', () => {
  const out = mkdtempSync(join(tmpdir(), 'mm-codegen-'))
  afterAll(() => rmSync(out, { recursive: true, force: true }))

  it.skipIf(!hasVenv)(
    `is identical to a fresh \`node scripts/gen.ts\` (run \`npm run gen\` if this fails)${hasVenv ? '' : ` — ${NO_VENV}`}`,
    () => {
      const gen = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'gen.ts'), '--out', out], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      })
      expect(gen.status, `scripts/gen.ts failed:\n${gen.stdout}\n${gen.stderr}`).toBe(0)
      const stale: string[] = []
      for (const entry of GENERATED) {
        const committed = listFiles(join(REPO_ROOT, entry)).map((f) => relative(REPO_ROOT, f))
        const fresh = listFiles(join(out, entry)).map((f) => relative(out, f))
        expect(fresh.length, `${entry} was not generated`).toBeGreaterThan(0)
        for (const file of [...new Set([...committed, ...fresh])].sort()) {
          const a = read(join(REPO_ROOT, file))
          const b = read(join(out, file))
          if (a !== b) stale.push(diffHint(file, a, b))
        }
      }
      expect(stale, `stale generated files (run \`npm run gen\`):\n${stale.join('\n')}`).toEqual([])
    },
    60_000,
  )

  it('every generated stub file says DO NOT EDIT on its first line', () => {
    const files = [
      ...listFiles(join(REPO_ROOT, 'clients/ts/gen')),
      ...listFiles(join(REPO_ROOT, 'clients/python/moltmesh/gen')),
    ]
    expect(files.length).toBeGreaterThan(0)
    for (const file of files) {
      expect(readFileSync(file, 'utf8').split('\n', 1)[0], relative(REPO_ROOT, file)).toMatch(/DO NOT EDIT/)
    }
  })

  it('Python imports of the proto package become relative to moltmesh.gen', () => {
    const text = 'import grpc\nfrom moltmesh.v1 import types_pb2 as moltmesh_dot_v1_dot_types__pb2\n'
    const rewritten = rewritePython('a2a_pb2.py', text)
    expect(rewritten.split('\n')[0]).toMatch(/^# .*DO NOT EDIT\.$/)
    expect(rewritten).toContain('\nfrom . import types_pb2 as moltmesh_dot_v1_dot_types__pb2\n')
    expect(() => rewritePython('x_pb2.py', 'import moltmesh.v1.types_pb2\n')).toThrow(/unrewritten/)
  })

  it('buf lint accepts proto/', () => {
    const res = spawnSync(join(REPO_ROOT, 'node_modules', '.bin', 'buf'), ['lint', 'proto'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    })
    expect(res.status, `buf lint proto:\n${res.stdout}${res.stderr}`).toBe(0)
  }, 30_000)

  it.skipIf(!hasVenv)(
    `the Python stubs and SDK import and cover every service, RPC and surface method (pytest)${hasVenv ? '' : ` — ${NO_VENV}`}`,
    () => {
      const res = spawnSync(
        venvPython,
        // Without the scenario suite (marker `daemon`), which test/integration/python-sdk.test.ts runs.
        ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', '-m', 'not daemon', 'clients/python/tests'],
        { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } },
      )
      expect(res.status, `${res.stdout}\n${res.stderr}`).toBe(0)
      expect(res.stdout).toMatch(/\d+ passed/)
    },
    60_000,
  )
})
