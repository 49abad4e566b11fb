// The TypeScript SDK as its own package: `npm pack` in clients/ts (which builds dist/), unpacked into a
// fresh project's node_modules, imported by plain JavaScript that talks to a real daemon, and
// type-checked from a TypeScript consumer — what a user installing @moltmesh/client gets.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { useMesh } from '../harness/mesh.ts'
import { REPO_ROOT } from '../harness/paths.ts'

const CONSUMER_JS = `
import { createClient, DaemonNotRunningError, InvalidArgumentError, runTask } from '@moltmesh/client'
import { createMoltmeshTools } from '@moltmesh/client/ai'
const client = createClient({ socket: process.argv[2] })
const out = {}
out.version = await client.checkVersion()
out.did = (await client.identity.get({})).did
try {
  await client.tasks.create({ to: 'did:key:zNope', skill: 'x', input: [{ text: 'x' }] })
} catch (err) {
  out.typedError = err instanceof InvalidArgumentError ? err.reason : String(err)
}
out.tools = Object.keys(createMoltmeshTools(client)).sort()
out.helpers = typeof runTask
const missing = createClient({ socket: process.argv[2] + '.missing' })
out.notRunning = await missing.node.health({}).then(() => 'answered', (e) => e instanceof DaemonNotRunningError)
missing.close()
client.close()
console.log(JSON.stringify(out))
`

const CONSUMER_TS = `
import { type a2a, createClient, type types, waitTask } from '@moltmesh/client'
const client = createClient()
const task: Promise<a2a.CreateTaskResponse> = client.tasks.create({ to: 'x', skill: 'y' })
const done: Promise<types.Task> = waitTask(client, 'id')
// @ts-expect-error: unknown groups do not type-check
client.nope.get({})
void task
void done
`

describe('TypeScript SDK package', () => {
  const mesh = useMesh()
  let d: DaemonProcess
  let project: string

  beforeAll(async () => {
    d = await mesh.spawn('pkg')
    project = mkdtempSync(join(tmpdir(), 'mm-pkg-'))
    // npm pack runs the package's prepack script (the build) and applies its `files` list.
    execFileSync('npm', ['pack', '--silent', '--pack-destination', project], {
      cwd: join(REPO_ROOT, 'clients', 'ts'),
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const tarball = readdirSync(project).find((f) => f.endsWith('.tgz'))
    if (tarball == null) throw new Error('npm pack produced no tarball')
    const installed = join(project, 'node_modules', '@moltmesh', 'client')
    mkdirSync(installed, { recursive: true })
    execFileSync('tar', ['xzf', join(project, tarball), '-C', installed, '--strip-components=1'])
    // Dependencies come from the repo's node_modules (offline), linked as an install would place them.
    for (const dep of ['@grpc', '@bufbuild', 'ai', 'zod', '@ai-sdk', '@types'])
      symlinkSync(join(REPO_ROOT, 'node_modules', dep), join(project, 'node_modules', dep))
    writeFileSync(join(project, 'package.json'), JSON.stringify({ type: 'module', private: true }))
    writeFileSync(join(project, 'consumer.js'), CONSUMER_JS)
    writeFileSync(join(project, 'consumer.ts'), CONSUMER_TS)
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          target: 'es2023',
          strict: true,
          noEmit: true,
          types: ['node'],
        },
        files: ['consumer.ts'],
      }),
    )
  }, 120_000)

  afterAll(() => {
    if (project != null) rmSync(project, { recursive: true, force: true })
  })

  it('ships built JavaScript and declarations only', () => {
    const files = readdirSync(join(project, 'node_modules', '@moltmesh', 'client', 'dist'))
    expect(files).toContain('index.js')
    expect(files).toContain('index.d.ts')
    expect(files).toContain('ai-tools.js')
    expect(files.some((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toBe(false)
  })

  it('works from plain JavaScript against a real daemon', () => {
    const res = spawnSync(process.execPath, ['consumer.js', d.socket], { cwd: project, encoding: 'utf8' })
    expect(res.stderr).toBe('')
    expect(res.status).toBe(0)
    const out = JSON.parse(res.stdout)
    expect(out.version.apiVersion).toBe('moltmesh.v1')
    expect(out.did).toBe(d.did)
    expect(out.typedError).toBe('INVALID_DID')
    expect(out.tools).toEqual([
      'createTaskAndWait',
      'findAgents',
      'publish',
      'readInbox',
      'resolveName',
      'sendMessage',
    ])
    expect(out.helpers).toBe('function')
    expect(out.notRunning).toBe(true)
  })

  it('type-checks a TypeScript consumer against the shipped declarations', () => {
    const tsc = join(REPO_ROOT, 'node_modules', '.bin', 'tsc')
    const res = spawnSync(tsc, ['-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8' })
    expect(res.stdout + res.stderr).toBe('')
    expect(res.status).toBe(0)
  })
})
