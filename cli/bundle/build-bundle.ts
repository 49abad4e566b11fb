// Builds the CLI-and-daemon bundle (bundle-stamp.ts says what it is for and when it is used) with
// rolldown.
// Kept outside the bundle, loaded from node_modules as before:
// - native addons whose loader is CommonJS (classic-level's LevelDB). The QUIC transport is bundled:
//   its loader (napi.js) finds its binary through createRequire(import.meta.url), which
//   originalImportMeta points at its own file; left outside, it brought a second copy of
//   @libp2p/crypto, @noble/curves, multiaddr and more into the daemon.
// - packages that read their own files relative to __dirname (gRPC's health .proto files, the proto
//   loader and reflection), loaded lazily anyway: inside a bundle __dirname would be the bundle's
//   folder. @grpc/grpc-js itself is bundled (~50 CommonJS modules, each resolved, read and wrapped on
//   every start when it was outside): its own __dirname (the channelz and ORCA .proto folders, read
//   only when those services are set up, which moltmesh never does) is fixed to its original file's
//   like import.meta below. The lazily loaded reflection and health-check packages bring their own
//   copy from node_modules when they are first used. pino is bundled the same way (its __dirname
//   names its transport worker, which moltmesh does not use); thread-stream, which it requires,
//   stays outside.
// Every `import.meta.url` (and .dirname/.filename) in a bundled module is replaced by its original
// file's, so the daemon's own relative paths (the web workspace's files, the schema and Raft verify
// workers, which run from the sources) still point into the source tree.

import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, isAbsolute, join, relative } from 'node:path'
import { pathToFileURL } from 'node:url'
import { BUNDLE_DIR, type BundleStamp, ENTRIES, fileState, REPO_ROOT, STAMP_FORMAT } from './bundle-stamp.ts'

const EXTERNAL = [
  'classic-level',
  'grpc-health-check',
  'thread-stream',
  '@grpc/proto-loader',
  '@grpc/reflection',
]

/** Lockfiles: an `npm install` that changed node_modules changes one of them, and the bundle is stale. */
const LOCKFILES = ['package-lock.json', 'node_modules/.package-lock.json']

// CommonJS modules in the bundle refer to these; the chunk defines them once (ESM has none).
const CJS_GLOBALS = [
  "import { createRequire as __moltmeshRequire } from 'node:module';",
  "import { fileURLToPath as __moltmeshPath } from 'node:url';",
  "import { dirname as __moltmeshDirname } from 'node:path';",
  'const require = __moltmeshRequire(import.meta.url);',
  'const __filename = __moltmeshPath(import.meta.url);',
  'const __dirname = __moltmeshDirname(__filename);',
].join(' ')

const isExternal = (id: string) => EXTERNAL.some((e) => id === e || id.startsWith(`${e}/`))

/** CommonJS packages in the bundle whose `__dirname`/`__filename` must stay their own file's. */
const OWN_DIRNAME = ['/node_modules/@grpc/grpc-js/', '/node_modules/pino/']

/**
 * import.meta.url/dirname/filename of a bundled module, and __dirname/__filename in OWN_DIRNAME's
 * CommonJS modules, fixed to its original file.
 */
function originalImportMeta() {
  return {
    name: 'moltmesh-original-import-meta',
    transform(code: string, id: string) {
      if (!isAbsolute(id)) return null
      const ownDirname = OWN_DIRNAME.some((p) => id.includes(p)) && /\b__(dirname|filename)\b/.test(code)
      if (!ownDirname && !code.includes('import.meta.')) return null
      const fixed = ownDirname
        ? code
            .replace(/\b__dirname\b/g, JSON.stringify(dirname(id)))
            .replace(/\b__filename\b/g, JSON.stringify(id))
        : code
      return fixed
        .replace(/\bimport\.meta\.url\b/g, JSON.stringify(pathToFileURL(id).href))
        .replace(/\bimport\.meta\.dirname\b/g, JSON.stringify(dirname(id)))
        .replace(/\bimport\.meta\.filename\b/g, JSON.stringify(id))
    },
  }
}

/**
 * kad-dht's table of 65,536 key prefixes (routing-table refresh) is a 528 KB array literal: as source
 * V8 keeps its text, the literal's boilerplate and the array, ~1.5 MB of heap for the daemon's life.
 * In the bundle it is the same numbers, read into a Uint32Array (256 KB outside the heap) from a file
 * next to the chunks; `__dirname` is the chunk's folder (CJS_GLOBALS). Left as it is if its shape
 * ever changes.
 */
function compactPrefixList() {
  const FILE = 'kad-dht-prefixes.bin'
  return {
    name: 'moltmesh-compact-prefix-list',
    transform(
      this: { emitFile(file: { type: 'asset'; fileName: string; source: Uint8Array }): string },
      code: string,
      id: string,
    ) {
      if (!id.endsWith('/@libp2p/kad-dht/dist/src/routing-table/generated-prefix-list.js')) return null
      const body = /^export default \[([\d,\s]*)\];/m.exec(code)?.[1]
      const numbers =
        body
          ?.split(',')
          .map((n) => n.trim())
          .filter((n) => n !== '')
          .map(Number) ?? []
      if (numbers.length !== 65_536 || numbers.some((n) => !Number.isInteger(n) || n < 0 || n >= 2 ** 32))
        return null
      this.emitFile({
        type: 'asset',
        fileName: FILE,
        source: new Uint8Array(Uint32Array.from(numbers).buffer),
      })
      return [
        "import { readFileSync } from 'node:fs'",
        `const bytes = readFileSync(__dirname + '/${FILE}')`,
        'export default new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))',
      ].join('\n')
    },
  }
}

/**
 * `import ... from 'node:http'` builds node:http's ESM facade, which reads every export, and its lazy
 * WebSocket, CloseEvent and MessageEvent load Node's internal undici (a 0.7 MB script, tens of ms at
 * start; docs/benchmarks.md, start-up). In the bundle node:http is the CommonJS module object
 * instead, with the same named exports but those three, which nothing here imports.
 */
function plainNodeHttp() {
  const ID = '\0moltmesh-node-http'
  const LAZY = new Set(['WebSocket', 'CloseEvent', 'MessageEvent'])
  return {
    name: 'moltmesh-plain-node-http',
    resolveId: (source: string) => (source === 'node:http' || source === 'http' ? ID : null),
    load(id: string) {
      if (id !== ID) return null
      const names = Object.keys(process.getBuiltinModule('node:http')).filter((n) => !LAZY.has(n))
      return [
        "const http = process.getBuiltinModule('node:http')",
        'export default http',
        `export const { ${names.join(', ')} } = http`,
      ].join('\n')
    },
  }
}

export interface BuiltBundle {
  dir: string
  modules: number
  files: number
  ms: number
}

/** Builds into a temporary folder, then swaps it in, so a start never sees half a bundle. */
export async function buildDaemonBundle(): Promise<BuiltBundle> {
  const started = performance.now()
  const { build } = await import('rolldown')
  const tmp = `${BUNDLE_DIR}.tmp-${process.pid}`
  rmSync(tmp, { recursive: true, force: true })
  mkdirSync(dirname(tmp), { recursive: true })
  const output = await build({
    input: Object.fromEntries(ENTRIES.map((e) => [e, join(REPO_ROOT, 'cli', `${e}.ts`)])),
    platform: 'node',
    external: isExternal,
    plugins: [originalImportMeta(), compactPrefixList(), plainNodeHttp()],
    logLevel: 'warn',
    output: {
      dir: tmp,
      format: 'esm',
      banner: CJS_GLOBALS,
      // V8 holds every module's source for as long as the process runs (lazy compilation,
      // Function.prototype.toString), and one non-Latin-1 character anywhere (a dash in a comment)
      // makes a chunk's whole source a two-byte string: ASCII escapes and no comments halve what the
      // daemon's chunks hold (docs/benchmarks.md, start-up). Names and lines stay for stack traces.
      charset: 'ascii',
      comments: { legal: false, annotation: false, jsdoc: false },
    },
  })
  const modules = new Set<string>()
  for (const item of output.output)
    if (item.type === 'chunk')
      for (const id of item.moduleIds) if (isAbsolute(id) && !id.includes('/node_modules/')) modules.add(id)
  const files: BundleStamp['files'] = []
  for (const path of [...[...modules].map((m) => relative(REPO_ROOT, m)), ...LOCKFILES]) {
    const state = fileState(path)
    if (state != null) files.push([path, ...state])
  }
  const stamp: BundleStamp = { format: STAMP_FORMAT, builtAtMs: Date.now(), node: process.version, files }
  writeFileSync(join(tmp, 'stamp.json'), `${JSON.stringify(stamp)}\n`)
  const old = `${BUNDLE_DIR}.old-${process.pid}`
  try {
    renameSync(BUNDLE_DIR, old)
  } catch {
    // no earlier bundle
  }
  renameSync(tmp, BUNDLE_DIR)
  rmSync(old, { recursive: true, force: true })
  return {
    dir: BUNDLE_DIR,
    modules: modules.size,
    files: output.output.length,
    ms: Math.round(performance.now() - started),
  }
}
