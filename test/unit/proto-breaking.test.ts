// `buf breaking` against the committed baseline (proto/baseline/image.binpb; how to bump it:
// docs/codegen.md): the protos as they are pass, and an incompatible edit fails, in the public API
// (FILE rules) and in the wire protocol (WIRE rules) independently, since the wire no longer shares
// messages with the public API.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { BASELINE, checkBreaking } from '../../scripts/buf-breaking.ts'
import { REPO_ROOT } from '../harness/paths.ts'

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

/** A copy of proto/ with one edit applied to one file. */
function editedProtos(file: string, from: string, to: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mm-breaking-'))
  dirs.push(dir)
  cpSync(join(REPO_ROOT, 'proto'), dir, { recursive: true })
  const path = join(dir, file)
  const text = readFileSync(path, 'utf8')
  expect(text, `${file} has ${from}`).toContain(from)
  writeFileSync(path, text.replace(from, to))
  return dir
}

const byPath = (results: ReturnType<typeof checkBreaking>) =>
  Object.fromEntries(results.map((r) => [r.path, r]))

describe('buf breaking against the baseline', () => {
  it('finds no breaking change in the protos as they are', () => {
    const r = byPath(checkBreaking())
    expect(r['moltmesh/v1'], r['moltmesh/v1']?.output).toMatchObject({ ok: true, rules: 'FILE' })
    expect(r['moltmesh/wire'], r['moltmesh/wire']?.output).toMatchObject({ ok: true, rules: 'WIRE' })
  })

  it('fails on a renumbered public field, and the wire protocol is not affected', () => {
    const dir = editedProtos('moltmesh/v1/types.proto', 'string media_type = 5;', 'string media_type = 15;')
    const r = byPath(checkBreaking(dir, BASELINE))
    expect(r['moltmesh/v1']?.ok).toBe(false)
    expect(r['moltmesh/v1']?.output).toMatch(/field "5" with name "media_type" on message "Part"/)
    expect(r['moltmesh/wire']?.ok).toBe(true)
  })

  it('fails on a wire field whose type changed, and the public API is not affected', () => {
    const dir = editedProtos(
      'moltmesh/wire/v1/tasks.proto',
      'int64 deadline_ms = 4;',
      'string deadline_ms = 4;',
    )
    const r = byPath(checkBreaking(dir, BASELINE))
    expect(r['moltmesh/wire']?.ok).toBe(false)
    expect(r['moltmesh/wire']?.output).toMatch(/"deadline_ms" on message "TaskOffer" changed type/)
    expect(r['moltmesh/v1']?.ok).toBe(true)
  })

  it('lets the wire protocol rename a field (the bytes do not change)', () => {
    const dir = editedProtos(
      'moltmesh/wire/v1/tasks.proto',
      'int64 deadline_ms = 4;',
      'int64 deadline_at_ms = 4;',
    )
    expect(byPath(checkBreaking(dir, BASELINE))['moltmesh/wire']?.ok).toBe(true)
  })
})
