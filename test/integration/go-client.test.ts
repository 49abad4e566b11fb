// Any language with a proto compiler, tried with Go's own tools against real daemons:
// - the Go module clients/go (`go test`: a message and a task round trip between two daemons, the
//   reason in the standard error details, grpc.health.v1 Check and Watch) and its example program;
// - grpcurl through server reflection (list, describe with comments, a call, ErrorInfo in an error);
// - grpc-health-probe, and Health.Watch turning NOT_SERVING when the daemon shuts down;
// - the Go program in docs/other-languages.md, in a module of its own that uses clients/go through a
//   `replace` directive, as the page tells a Go developer to.
// The Go tools come from scripts/setup-go-tools.sh (pinned, cached in .cache/go-tools). Without Go on
// PATH the file is skipped, saying so.
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { credentials, makeGenericClientConstructor } from '@grpc/grpc-js'
import { service as healthService } from 'grpc-health-check'
import { beforeAll, describe, expect, it } from 'vitest'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'
import { REPO_ROOT } from '../harness/paths.ts'

const GO_MODULE = join(REPO_ROOT, 'clients', 'go')
const hasGo = spawnSync('go', ['version']).status === 0
const NO_GO = 'skipped: no `go` on PATH (install Go >= 1.26 to run the Go client tests)'
if (!hasGo) console.warn(`go-client.test.ts: ${NO_GO}`)

interface Run {
  code: number | null
  out: string
}

function run(cmd: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  return new Promise<Run>((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
    })
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString()
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, out })
    })
  })
}

/** The ```go block of docs/other-languages.md. */
function docsGoProgram(): string {
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'other-languages.md'), 'utf8')
  const block = /```go\n([\s\S]*?)```/.exec(doc)?.[1]
  if (block == null) throw new Error('docs/other-languages.md has no ```go block')
  return block
}

/** Builds the docs' Go program the way the docs say: go mod init, require + replace, tidy, build. */
async function buildDocsProgram(dir: string, out: string): Promise<Run> {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'main.go'), docsGoProgram())
  const steps: string[][] = [
    ['mod', 'init', 'example.com/first'],
    [
      'mod',
      'edit',
      '-require=github.com/moltmesh/moltmesh/clients/go@v0.0.0',
      `-replace=github.com/moltmesh/moltmesh/clients/go=${GO_MODULE}`,
    ],
    ['mod', 'tidy'],
    ['build', '-o', out, '.'],
  ]
  let log = ''
  for (const args of steps) {
    const res = await run('go', args, { cwd: dir })
    log += `$ go ${args.join(' ')}\n${res.out}`
    if (res.code !== 0) return { code: res.code, out: log }
  }
  return { code: 0, out: log }
}

describe.skipIf(!hasGo)(`Go client, grpcurl and grpc-health-probe${hasGo ? '' : ` — ${NO_GO}`}`, () => {
  const mesh = useMesh()
  let a: DaemonProcess
  let b: DaemonProcess
  let tools: string
  let bin: string

  beforeAll(async () => {
    bin = join(mesh.root, 'go-bin')
    // Tools and test binaries build while the daemons start (minutes only on a machine without a cache).
    const [installed, testBuild, exampleBuild, docsBuild, daemons] = await Promise.all([
      run('bash', [join(REPO_ROOT, 'scripts', 'setup-go-tools.sh')]),
      run('go', ['test', '-c', '-o', join(bin, 'moltmesh.test'), '.'], { cwd: GO_MODULE }),
      run('go', ['build', '-o', join(bin, 'example'), './example'], { cwd: GO_MODULE }),
      buildDocsProgram(join(mesh.root, 'docs-program'), join(bin, 'docs-program')),
      mesh.spawnMany(2),
    ])
    expect(installed.code, installed.out).toBe(0)
    expect(testBuild.code, testBuild.out).toBe(0)
    expect(exampleBuild.code, exampleBuild.out).toBe(0)
    expect(docsBuild.code, docsBuild.out).toBe(0)
    tools = installed.out.trim()
    ;[a, b] = daemons as [DaemonProcess, DaemonProcess]
    await mesh.connectAll()
  }, 300_000)

  it('go test: message and task round trips, ErrorInfo reasons, standard health', async () => {
    const res = await run(join(bin, 'moltmesh.test'), ['-test.v', '-test.count=1'], {
      cwd: GO_MODULE,
      env: { MOLTMESH_GO_TEST_SOCKET_A: a.socket, MOLTMESH_GO_TEST_SOCKET_B: b.socket },
    })
    expect(res.code, res.out).toBe(0)
    for (const name of [
      'TestMessageRoundTrip',
      'TestTaskRoundTrip',
      'TestErrorDetailsCarryTheReason',
      'TestStandardHealth',
    ]) {
      expect(res.out).toContain(`--- PASS: ${name}`)
    }
    expect(res.out).not.toContain('--- SKIP')
  })

  it('the Go module is gofmt-clean and passes go vet', async () => {
    const goroot = spawnSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).stdout.trim()
    const fmt = await run(join(goroot, 'bin', 'gofmt'), ['-l', '.'], { cwd: GO_MODULE })
    expect(fmt.code, fmt.out).toBe(0)
    expect(fmt.out.trim(), 'files gofmt would change').toBe('')
    const vet = await run('go', ['vet', './...'], { cwd: GO_MODULE })
    expect(vet.code, vet.out).toBe(0)
  })

  it('the example program dials the default socket ($MOLTMESH_SOCKET) and sends a message', async () => {
    const res = await run(join(bin, 'example'), ['-to', b.did, '-text', 'hi from the Go example'], {
      env: { MOLTMESH_SOCKET: a.socket },
    })
    expect(res.code, res.out).toBe(0)
    expect(res.out).toContain(`did: ${a.did}`)
    const id = /sent: (\S+)/.exec(res.out)?.[1]
    expect(id).toBeTruthy()
    await waitFor(
      async () => (await b.client.a2a.getInbox({ from: a.did })).messages.some((m) => m.id === id),
      20_000,
      'the example message in B inbox',
    )
    const missing = await run(join(bin, 'example'), ['-socket', join(mesh.root, 'nope.sock')])
    expect(missing.code).toBe(1)
    expect(missing.out).toMatch(/no daemon on unix:\/\/.*nope\.sock: start it with `moltmesh start`/)
  })

  it('the Go program in docs/other-languages.md prints the DID, then the reason and field of an error', async () => {
    const res = await run(join(bin, 'docs-program'), [], { env: { MOLTMESH_SOCKET: a.socket } })
    expect(res.code, res.out).toBe(0)
    expect(res.out.trim().split('\n')).toEqual([`did: ${a.did}`, 'reason: INVALID_ARGUMENT field: id'])
  })

  it('grpcurl: list, describe (with the proto comments), a call, and an error with its ErrorInfo', async () => {
    const grpcurl = (...args: string[]) => run(join(tools, 'grpcurl'), ['-plaintext', '-unix', ...args])
    const list = await grpcurl(a.socket, 'list')
    expect(list.code, list.out).toBe(0)
    expect(list.out.trim().split('\n').sort()).toEqual([
      'grpc.health.v1.Health',
      'moltmesh.v1.A2ANode',
      'moltmesh.v1.Diag',
      'moltmesh.v1.Ext',
    ])
    const describe = await grpcurl(a.socket, 'describe', 'moltmesh.v1.A2ANode.SendMessage')
    expect(describe.code, describe.out).toBe(0)
    expect(describe.out).toContain('rpc SendMessage ( .moltmesh.v1.SendMessageRequest )')
    expect(describe.out).toMatch(/^\/\/ /m) // the comment above the RPC in a2a.proto
    const call = await grpcurl(a.socket, 'moltmesh.v1.A2ANode/GetIdentity')
    expect(call.code, call.out).toBe(0)
    expect(JSON.parse(call.out).did).toBe(a.did)
    const failed = await grpcurl('-d', '{"id": ""}', a.socket, 'moltmesh.v1.A2ANode/ConvertId')
    expect(failed.code).not.toBe(0)
    expect(failed.out).toContain('Code: InvalidArgument')
    // Reflection serves google.rpc.ErrorInfo too, so grpcurl decodes the details instead of raw bytes.
    expect(failed.out).toContain('"@type": "type.googleapis.com/google.rpc.ErrorInfo"')
    expect(failed.out).toContain('"reason": "INVALID_ARGUMENT"')
    expect(failed.out).toContain('"domain": "moltmesh"')
    expect(failed.out).toMatch(/"field": "id"/)
  })

  it('grpc-health-probe: SERVING for the daemon and each service, an error for an unknown one', async () => {
    const probe = (...args: string[]) =>
      run(join(tools, 'grpc-health-probe'), ['-addr', `unix://${a.socket}`, ...args])
    for (const service of [[], ['-service', 'moltmesh.v1.A2ANode'], ['-service', 'moltmesh.v1.Ext']]) {
      const res = await probe(...service)
      expect(res.code, res.out).toBe(0)
      expect(res.out).toContain('status: SERVING')
    }
    const unknown = await probe('-service', 'no.such.Service')
    expect(unknown.code, unknown.out).not.toBe(0)
  })

  it('rpc.reflection = false turns reflection off; health stays', async () => {
    const quiet = await mesh.spawn('noreflect', { env: { MOLTMESH_RPC_REFLECTION: 'false' } })
    const list = await run(join(tools, 'grpcurl'), ['-plaintext', '-unix', quiet.socket, 'list'])
    expect(list.code).not.toBe(0)
    expect(list.out).toContain('server does not support the reflection API')
    const probe = await run(join(tools, 'grpc-health-probe'), ['-addr', `unix://${quiet.socket}`])
    expect(probe.code, probe.out).toBe(0)
  })

  it('Health.Watch streams SERVING, then NOT_SERVING when the daemon shuts down', async () => {
    const HealthClient = makeGenericClientConstructor(healthService, 'Health')
    const client = new HealthClient(`unix:${b.socket}`, credentials.createInsecure()) as unknown as {
      watch(req: { service: string }): NodeJS.EventEmitter & { cancel(): void }
      close(): void
    }
    const seen: string[] = []
    const stream = client.watch({ service: '' })
    stream.on('data', (r: { status: string }) => seen.push(r.status))
    stream.on('error', () => undefined) // the daemon going away ends the stream
    try {
      await waitFor(() => seen.includes('SERVING'), 10_000, 'SERVING')
      await b.client.diag.shutdown({})
      await waitFor(() => seen.includes('NOT_SERVING'), 10_000, `NOT_SERVING (saw ${seen.join(', ')})`)
      expect(seen.slice(0, 2)).toEqual(['SERVING', 'NOT_SERVING'])
    } finally {
      stream.cancel()
      client.close()
    }
  })
})
