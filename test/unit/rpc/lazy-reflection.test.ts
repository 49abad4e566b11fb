// Server reflection is built on its first call (daemon/rpc/standard-services.ts), so a daemon does
// not pay for it at start-up. Over a real grpc-js server on a unix socket, with a client stub made
// from the reflection .proto files: both versions list the services and serve a file by symbol, and
// bytes that do not decode end the stream with INVALID_ARGUMENT instead of breaking the server.
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import * as grpc from '@grpc/grpc-js'
import * as protoLoader from '@grpc/proto-loader'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { API_DEFINITIONS } from '../../../daemon/rpc/api-handlers.ts'
import { createStandardServices } from '../../../daemon/rpc/standard-services.ts'

const protoRoot = join(
  dirname(createRequire(import.meta.url).resolve('@grpc/reflection/package.json')),
  'build',
  'proto',
)

type Response = {
  listServicesResponse?: { service: Array<{ name: string }> }
  fileDescriptorResponse?: { fileDescriptorProto: Buffer[] }
}

const require = createRequire(import.meta.url)
const reflectionLoaded = () => require.cache[require.resolve('@grpc/reflection')] != null
let loadedAtRegister: boolean | undefined
let dir: string
let socket: string
let server: grpc.Server

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'refl-'))
  socket = join(dir, 's.sock')
  server = new grpc.Server()
  createStandardServices(API_DEFINITIONS, { reflection: true }).register(server)
  loadedAtRegister = reflectionLoaded()
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`unix:${socket}`, grpc.ServerCredentials.createInsecure(), (err) =>
      err ? reject(err) : resolve(),
    ),
  )
})

afterAll(async () => {
  await new Promise<void>((r) => server.tryShutdown(() => r()))
  rmSync(dir, { recursive: true, force: true })
})

function ask(version: 'v1' | 'v1alpha', requests: object[]): Promise<Response[]> {
  const definition = protoLoader.loadSync(`grpc/reflection/${version}/reflection.proto`, {
    includeDirs: [protoRoot],
    oneofs: true,
  })
  const pkg = grpc.loadPackageDefinition(definition) as unknown as {
    grpc: { reflection: Record<string, { ServerReflection: grpc.ServiceClientConstructor }> }
  }
  const Client = pkg.grpc.reflection[version]?.ServerReflection as grpc.ServiceClientConstructor
  const client = new Client(`unix:${socket}`, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
    ServerReflectionInfo(): grpc.ClientDuplexStream<object, Response>
  }
  return new Promise((resolve, reject) => {
    const out: Response[] = []
    const call = client.ServerReflectionInfo()
    call.on('data', (r: Response) => out.push(r))
    call.on('error', reject)
    call.on('end', () => {
      client.close()
      resolve(out)
    })
    for (const r of requests) call.write(r)
    call.end()
  })
}

describe('lazy server reflection', () => {
  it('is not loaded until the first call', async () => {
    expect(loadedAtRegister).toBe(false)
    await ask('v1', [{ listServices: '' }])
    expect(reflectionLoaded()).toBe(true)
  })

  for (const version of ['v1', 'v1alpha'] as const)
    it(`${version}: lists the services and serves the file of a symbol`, async () => {
      const [list, file] = await ask(version, [
        { listServices: '' },
        { fileContainingSymbol: 'moltmesh.v1.A2ANode' },
      ])
      const names = list?.listServicesResponse?.service.map((s) => s.name) ?? []
      expect(names).toEqual(
        expect.arrayContaining(['moltmesh.v1.A2ANode', 'moltmesh.v1.Diag', 'grpc.health.v1.Health']),
      )
      expect(file?.fileDescriptorResponse?.fileDescriptorProto.length).toBeGreaterThan(0)
    })

  it('ends a stream whose request does not decode with INVALID_ARGUMENT', async () => {
    const client = new grpc.Client(`unix:${socket}`, grpc.credentials.createInsecure())
    const call = client.makeBidiStreamRequest(
      '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo',
      (b: Buffer) => b,
      (b: Buffer) => b,
    )
    const failed = new Promise<grpc.ServiceError>((resolve) => call.on('error', resolve))
    call.on('data', () => undefined)
    call.write(Buffer.from([0xff, 0xff, 0xff]))
    const err = await failed
    client.close()
    expect(err.code).toBe(grpc.status.INVALID_ARGUMENT)
  })
})
