// Regenerates every generated file from proto/ and the config schema:
//   clients/ts/gen/**            TypeScript stubs of the public API (buf + ts-proto, proto/buf.gen.yaml)
//   daemon/wire/gen/**           daemon-to-daemon wire messages (buf + ts-proto, proto/buf.gen.wire.yaml)
//   clients/python/moltmesh/gen/ Python stubs (grpcio-tools from .venv), imports made package-relative
//   daemon/rpc/gen/descriptor-sets.ts  descriptors served by gRPC server reflection: the public API
//                                (buf build, comments kept) and google/rpc/error_details.proto
//   clients/go/gen/**            Go stubs (buf + protoc-gen-go[-grpc], proto/buf.gen.go.yaml; the plugins
//                                come from scripts/setup-go-tools.sh; skipped, saying so, without Go)
//   moltbook.toml, docs/config.md  from daemon/config/schema.ts
// Output is byte-for-byte deterministic (tool versions are pinned in package-lock.json and
// clients/python/requirements-dev.txt). `--out <dir>` writes the same relative layout under <dir>
// instead of the repo (test/unit/codegen.test.ts compares that with the committed files).
//
// Usage: node scripts/gen.ts [--out <dir>]     (npm run gen)
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { renderConfigDoc, renderExampleToml } from '../daemon/config/render-docs.ts'

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const BIN_DIR = join(REPO_ROOT, 'node_modules', '.bin')
const VENV_PYTHON = join(REPO_ROOT, '.venv', 'bin', 'python')

const PY_HEADER = '# Code generated from proto/moltmesh/v1 by scripts/gen.ts (grpcio-tools). DO NOT EDIT.\n'
/** grpcio-tools names the proto package in imports; inside the SDK that is the sibling module. */
const PY_PROTO_IMPORT = /^from moltmesh\.v1 import /gm

/** Public API stubs into clients/ts/gen; daemon-to-daemon wire messages into daemon/wire/gen. */
const TS_TARGETS = [
  { template: 'proto/buf.gen.yaml', path: 'proto/moltmesh/v1', out: ['clients', 'ts', 'gen'] },
  { template: 'proto/buf.gen.wire.yaml', path: 'proto/moltmesh/wire', out: ['daemon', 'wire', 'gen'] },
]

/** The Go module's generated package (proto/buf.gen.go.yaml writes it). */
export const GO_GEN_DIR = ['clients', 'go', 'gen']

class UsageError extends Error {}

function parseArgs(argv: string[]): { outRoot: string } {
  let outRoot = REPO_ROOT
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--out') {
      const dir = argv[++i]
      if (!dir) throw new UsageError('--out needs a directory')
      outRoot = resolve(dir)
    } else if (arg?.startsWith('--out=')) {
      outRoot = resolve(arg.slice('--out='.length))
    } else {
      throw new UsageError(`unknown argument ${arg} (usage: node scripts/gen.ts [--out <dir>])`)
    }
  }
  return { outRoot }
}

function checkTools(): void {
  if (!existsSync(join(BIN_DIR, 'buf')) || !existsSync(join(BIN_DIR, 'protoc-gen-ts_proto'))) {
    throw new UsageError('buf or ts-proto is missing from node_modules/.bin: run `npm install`')
  }
  if (!existsSync(VENV_PYTHON)) {
    throw new UsageError(
      `no Python environment at ${join(REPO_ROOT, '.venv')} (needed for grpcio-tools): run \`npm run setup:python\``,
    )
  }
}

function generateTypeScript(outRoot: string): void {
  for (const t of TS_TARGETS) {
    rmSync(join(outRoot, ...t.out), { recursive: true, force: true })
    execFileSync(
      join(BIN_DIR, 'buf'),
      ['generate', 'proto', '--template', t.template, '--path', t.path, '-o', outRoot],
      { cwd: REPO_ROOT, stdio: 'inherit', env: { ...process.env, PATH: `${BIN_DIR}:${process.env.PATH}` } },
    )
  }
}

/** Header first, then the protoc output with its `moltmesh.v1` imports made relative to moltmesh.gen. */
export function rewritePython(file: string, text: string): string {
  const out = text.replace(PY_PROTO_IMPORT, 'from . import ')
  if (/^\s*(from|import) moltmesh\.v1\b/m.test(out)) {
    throw new Error(`${file}: an import of moltmesh.v1 was left unrewritten`)
  }
  return PY_HEADER + out
}

function generatePython(outRoot: string): void {
  const tmp = mkdtempSync(join(tmpdir(), 'mm-gen-py-'))
  try {
    const protos = readdirSync(join(REPO_ROOT, 'proto', 'moltmesh', 'v1'))
      .filter((f) => f.endsWith('.proto'))
      .sort()
      .map((f) => `moltmesh/v1/${f}`)
    execFileSync(
      VENV_PYTHON,
      [
        '-m',
        'grpc_tools.protoc',
        '-Iproto',
        `--python_out=${tmp}`,
        `--pyi_out=${tmp}`,
        `--grpc_python_out=${tmp}`,
        ...protos,
      ],
      { cwd: REPO_ROOT, stdio: 'inherit' },
    )
    const source = join(tmp, 'moltmesh', 'v1')
    const target = join(outRoot, 'clients', 'python', 'moltmesh', 'gen')
    rmSync(target, { recursive: true, force: true })
    mkdirSync(target, { recursive: true })
    const files = readdirSync(source).sort()
    for (const file of files) {
      writeFileSync(join(target, file), rewritePython(file, readFileSync(join(source, file), 'utf8')))
    }
    const modules = files.filter((f) => f.endsWith('.py')).map((f) => f.slice(0, -3))
    writeFileSync(
      join(target, '__init__.py'),
      `${PY_HEADER}"""Generated gRPC stubs of the moltmesh API (proto package moltmesh.v1)."""\n\n` +
        `__all__ = [${modules.map((m) => `"${m}"`).join(', ')}]\n`,
    )
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}

/**
 * Descriptors served by gRPC server reflection, as base64 TS constants: the public API (buf build,
 * comments kept), and google/rpc/error_details.proto (with its import duration.proto) from the
 * pinned googleapis-common-protos, so grpcurl and friends can print the ErrorInfo of an error.
 */
function generateDescriptorSets(outRoot: string): void {
  const tmp = mkdtempSync(join(tmpdir(), 'mm-gen-desc-'))
  try {
    const file = join(tmp, 'api.binpb')
    execFileSync(join(BIN_DIR, 'buf'), ['build', 'proto', '--path', 'proto/moltmesh/v1', '-o', file], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    })
    const errorDetails = execFileSync(
      VENV_PYTHON,
      [
        '-c',
        [
          'import base64',
          'from google.protobuf import descriptor_pb2, duration_pb2',
          'from google.rpc import error_details_pb2',
          'fds = descriptor_pb2.FileDescriptorSet()',
          'for fd in (duration_pb2.DESCRIPTOR, error_details_pb2.DESCRIPTOR):',
          '    fd.CopyToProto(fds.file.add())',
          'print(base64.b64encode(fds.SerializeToString(deterministic=True)).decode())',
        ].join('\n'),
      ],
      { cwd: REPO_ROOT, encoding: 'utf8' },
    ).trim()
    const target = join(outRoot, 'daemon', 'rpc', 'gen')
    rmSync(target, { recursive: true, force: true })
    mkdirSync(target, { recursive: true })
    writeFileSync(
      join(target, 'descriptor-sets.ts'),
      '// Code generated by scripts/gen.ts (buf build; googleapis-common-protos). DO NOT EDIT.\n' +
        '/** google.protobuf.FileDescriptorSet of proto/moltmesh/v1, comments included, base64. */\n' +
        `export const API_DESCRIPTOR_SET_BASE64 =\n  '${readFileSync(file).toString('base64')}'\n` +
        '/** google.protobuf.FileDescriptorSet of google/rpc/error_details.proto and its imports, base64. */\n' +
        `export const ERROR_DETAILS_DESCRIPTOR_SET_BASE64 =\n  '${errorDetails}'\n`,
    )
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}

/**
 * The directory holding the pinned Go plugins (installed on first use by scripts/setup-go-tools.sh),
 * or undefined when Go is not installed.
 */
export function goToolsDir(): string | undefined {
  try {
    return execFileSync('bash', [join(REPO_ROOT, 'scripts', 'setup-go-tools.sh')], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim()
  } catch (err) {
    if ((err as { status?: number }).status === 3) return undefined
    throw new Error(`scripts/setup-go-tools.sh failed:\n${(err as { stderr?: string }).stderr ?? err}`)
  }
}

function generateGo(outRoot: string): void {
  const tools = goToolsDir()
  if (tools === undefined) {
    console.warn('gen: go is not on PATH: clients/go/gen left as it is (install Go to regenerate it)')
    return
  }
  rmSync(join(outRoot, ...GO_GEN_DIR), { recursive: true, force: true })
  execFileSync(join(BIN_DIR, 'buf'), ['generate', '--template', 'proto/buf.gen.go.yaml', '-o', outRoot], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
    env: { ...process.env, PATH: `${tools}:${process.env.PATH}` },
  })
}

function generateConfigDocs(outRoot: string): void {
  mkdirSync(join(outRoot, 'docs'), { recursive: true })
  writeFileSync(join(outRoot, 'moltbook.toml'), renderExampleToml())
  writeFileSync(join(outRoot, 'docs', 'config.md'), renderConfigDoc())
}

function main(): void {
  const { outRoot } = parseArgs(process.argv.slice(2))
  checkTools()
  generateTypeScript(outRoot)
  generatePython(outRoot)
  generateDescriptorSets(outRoot)
  generateGo(outRoot)
  generateConfigDocs(outRoot)
  console.log(`generated into ${outRoot}`)
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main()
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    console.error(`gen: ${err.message}`)
    process.exitCode = 1
  }
}
