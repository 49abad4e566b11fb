// `buf breaking` of the protos against the committed baseline image proto/baseline/image.binpb, which
// stands for the last released (tagged) API until the first tag exists (docs/codegen.md, "Breaking
// changes"). Two checks, because the two halves promise different things:
//   moltmesh/v1    the public API, generated into every SDK: FILE rules (buf.yaml), i.e. no change that
//                  breaks generated code or the bytes;
//   moltmesh/wire  the daemon-to-daemon protocol, never generated outside the daemon: WIRE rules, i.e.
//                  no change to the bytes an older daemon sends or expects (renames are fine).
// test/unit/proto-breaking.test.ts runs it (so `npm test` does) and checks it fails on a breaking edit.
//
// Usage: node scripts/buf-breaking.ts                     (npm run breaking)
//        node scripts/buf-breaking.ts --update-baseline   (at a release: the current protos become the baseline)
import { spawnSync } from 'node:child_process'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const BUF = join(REPO_ROOT, 'node_modules', '.bin', 'buf')
export const BASELINE = join(REPO_ROOT, 'proto', 'baseline', 'image.binpb')

export interface BreakingResult {
  /** moltmesh/v1 or moltmesh/wire. */
  path: string
  rules: 'FILE' | 'WIRE'
  ok: boolean
  /** buf's findings (one line per breaking change), empty when ok. */
  output: string
}

const CHECKS = [
  { path: 'moltmesh/v1', rules: 'FILE' as const, config: [] },
  {
    path: 'moltmesh/wire',
    rules: 'WIRE' as const,
    config: ['--config', JSON.stringify({ version: 'v2', breaking: { use: ['WIRE'] } })],
  },
]

/**
 * Runs both checks on the protos in `protoDir` (the module root holding buf.yaml). buf runs inside it,
 * so file paths in the input and in the image (built from inside proto/) match for --path.
 */
export function checkBreaking(protoDir = join(REPO_ROOT, 'proto'), baseline = BASELINE): BreakingResult[] {
  return CHECKS.map((c) => {
    const run = spawnSync(
      BUF,
      ['breaking', '.', '--against', relative(protoDir, baseline) || baseline, '--path', c.path, ...c.config],
      { cwd: protoDir, encoding: 'utf8' },
    )
    if (run.error != null) throw run.error
    // buf exits 100 on breaking changes; anything else non-zero is a failure to run at all.
    if (run.status !== 0 && run.status !== 100)
      throw new Error(`buf breaking --path ${c.path} failed (exit ${run.status}): ${run.stderr}${run.stdout}`)
    return { path: c.path, rules: c.rules, ok: run.status === 0, output: `${run.stdout}${run.stderr}`.trim() }
  })
}

/** Rebuilds the baseline from the current protos (no source info: comments are not compared). */
export function updateBaseline(protoDir = join(REPO_ROOT, 'proto'), baseline = BASELINE): void {
  const run = spawnSync(BUF, ['build', '.', '--exclude-source-info', '-o', relative(protoDir, baseline)], {
    cwd: protoDir,
    encoding: 'utf8',
  })
  if (run.status !== 0) throw new Error(`buf build failed: ${run.stderr}`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2)
  if (args.length === 1 && args[0] === '--update-baseline') {
    updateBaseline()
    console.log(`wrote ${relative(REPO_ROOT, BASELINE)}`)
  } else if (args.length > 0) {
    console.error('usage: node scripts/buf-breaking.ts [--update-baseline]')
    process.exit(2)
  } else {
    let failed = false
    for (const r of checkBreaking()) {
      console.log(`${r.path} (${r.rules} rules): ${r.ok ? 'no breaking change' : 'BREAKING'}`)
      if (!r.ok) {
        console.log(r.output)
        failed = true
      }
    }
    if (failed) process.exit(1)
  }
}
