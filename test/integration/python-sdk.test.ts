// The Python SDK's scenario suite (clients/python/tests, pytest marker `daemon`) against real daemons:
// discovery, messaging, a streamed task served by run_worker, cancel, typed errors, blobs, the tool
// functions and the asyncio client. The suite starts and stops its own pair of daemons. The tests
// without a daemon run in the unit tier (test/unit/codegen.test.ts, `-m "not daemon"`).
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../harness/paths.ts'

const PYTHON = join(REPO_ROOT, '.venv', 'bin', 'python')
// pytest gets SIGTERM first (its fixtures then stop the daemons), well before vitest gives up.
const PYTEST_TIMEOUT_MS = 180_000

interface Run {
  code: number | null
  output: string
}

function runPytest(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ['-m', 'pytest', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', MOLTMESH_REQUIRE_DAEMON: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString()
    })
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString()
    })
    const timer = setTimeout(() => child.kill('SIGTERM'), PYTEST_TIMEOUT_MS)
    child.on('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

describe('Python SDK', () => {
  it('passes its scenario suite against a real daemon pair (pytest)', async () => {
    const run = await runPytest(['clients/python/tests', '-q', '-p', 'no:cacheprovider', '-m', 'daemon'])
    if (run.code !== 0) console.log(run.output)
    expect(run.code, run.output).toBe(0)
    expect(run.output).toMatch(/\d+ passed/)
    expect(run.output).not.toMatch(/\d+ (skipped|failed|errors?)\b/)
  }, 240_000)
})
