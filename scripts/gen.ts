// Regenerates every generated file from proto/ and the config schema:
//   clients/ts/gen/**            TypeScript stubs of the public API (buf + ts-proto)
//   daemon/wire/gen/**           daemon-to-daemon wire messages (buf + ts-proto)
//   clients/python/moltmesh/gen/ Python stubs (grpcio-tools), imports made package-relative
//   moltbook.toml, docs/config.md  from daemon/config/schema.ts
// Output is deterministic. `--out <dir>` writes the same relative layout under <dir> instead of the
// repo (test/unit/codegen.test.ts compares that with the committed files).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { renderConfigDoc, renderExampleToml } from '../daemon/config/render-docs.ts'
import { REPO_ROOT } from '../test/harness/paths.ts'

const outFlag = process.argv.indexOf('--out')
const outRoot = outFlag >= 0 ? (process.argv[outFlag + 1] as string) : REPO_ROOT
const bin = (name: string) => join(REPO_ROOT, 'node_modules', '.bin', name)
const venvPython = join(REPO_ROOT, '.venv', 'bin', 'python')

const PY_HEADER = '# Code generated from proto/moltmesh/v1 by scripts/gen.ts (grpcio-tools). DO NOT EDIT.\n'

/** Public API stubs into clients/ts/gen; daemon-to-daemon wire messages into daemon/wire/gen. */
const TS_TARGETS = [
  { template: 'proto/buf.gen.yaml', path: 'proto/moltmesh/v1', out: ['clients', 'ts', 'gen'] },
  { template: 'proto/buf.gen.wire.yaml', path: 'proto/moltmesh/wire', out: ['daemon', 'wire', 'gen'] },
]

function generateTypeScript(): void {
  for (const t of TS_TARGETS) {
    rmSync(join(outRoot, ...t.out), { recursive: true, force: true })
    execFileSync(
      bin('buf'),
      ['generate', 'proto', '--template', t.template, '--path', t.path, '-o', outRoot],
      {
        cwd: REPO_ROOT,
        stdio: 'inherit',
        env: { ...process.env, PATH: `${join(REPO_ROOT, 'node_modules', '.bin')}:${process.env.PATH}` },
      },
    )
  }
}

function generatePython(): void {
  if (!existsSync(venvPython)) {
    throw new Error('no Python environment in .venv: run `npm run setup:python` first')
  }
  const tmp = mkdtempSync(join(tmpdir(), 'mm-gen-py-'))
  try {
    const protos = readdirSync(join(REPO_ROOT, 'proto', 'moltmesh', 'v1'))
      .filter((f) => f.endsWith('.proto'))
      .sort()
      .map((f) => `moltmesh/v1/${f}`)
    execFileSync(
      venvPython,
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
    for (const file of readdirSync(source).sort()) {
      // grpcio-tools writes absolute imports (`from moltmesh.v1 import types_pb2`) that would collide
      // with the SDK package also named moltmesh: make them relative to moltmesh.gen.
      const text = readFileSync(join(source, file), 'utf8').replace(
        /^from moltmesh\.v1 import /gm,
        'from . import ',
      )
      writeFileSync(join(target, file), PY_HEADER + text)
    }
    writeFileSync(
      join(target, '__init__.py'),
      `${PY_HEADER}"""Generated gRPC stubs of the moltmesh API (moltmesh.v1)."""\n`,
    )
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}

function generateConfigDocs(): void {
  mkdirSync(join(outRoot, 'docs'), { recursive: true })
  writeFileSync(join(outRoot, 'moltbook.toml'), renderExampleToml())
  writeFileSync(join(outRoot, 'docs', 'config.md'), renderConfigDoc())
}

generateTypeScript()
generatePython()
generateConfigDocs()
console.log(`generated into ${outRoot}`)
