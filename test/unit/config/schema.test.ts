// The schema table is the single source of keys: these tests hold the example moltbook.toml, the docs
// and the env mapping to it.
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse as parseToml } from 'smol-toml'
import { describe, expect, it } from 'vitest'
import { coerceString, coerceTyped } from '../../../daemon/config/coerce.ts'
import { defaultConfig, loadConfig } from '../../../daemon/config/load-config.ts'
import { renderConfigDoc, renderExampleToml } from '../../../daemon/config/render-docs.ts'
import {
  CONFIG_SCHEMA,
  envVarName,
  parseDurationMs,
  SECTIONS,
  TABLES,
  tsPath,
} from '../../../daemon/config/schema.ts'
import { REPO_ROOT } from '../../harness/paths.ts'

const EXAMPLE = join(REPO_ROOT, 'moltbook.toml')
const DOC = join(REPO_ROOT, 'docs', 'config.md')

/** Dotted paths of every leaf value in a parsed TOML document. */
function leafKeys(table: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(table).flatMap(([name, value]) => {
    const key = prefix === '' ? name : `${prefix}.${name}`
    return value != null && typeof value === 'object' && !Array.isArray(value)
      ? leafKeys(value as Record<string, unknown>, key)
      : [key]
  })
}

describe('the repository moltbook.toml', () => {
  it('loads to exactly the defaults (so ./moltbook.toml in the repo changes nothing)', () => {
    const home = mkdtempSync(join(tmpdir(), 'mm-cfg-home-'))
    // Found without --config, as when the daemon runs from the repo root.
    const loaded = loadConfig({ env: {}, cwd: REPO_ROOT, homeDir: home, flags: {} })
    expect(loaded.configFile).toBe(EXAMPLE)
    expect(loaded.config).toEqual(defaultConfig(home))
  })

  it('sets every schema key, and nothing else, each with a comment naming its env var', () => {
    const text = readFileSync(EXAMPLE, 'utf8')
    const keys = leafKeys(parseToml(text) as Record<string, unknown>)
    expect([...keys].sort()).toEqual(CONFIG_SCHEMA.map((s) => s.key).sort())
    for (const spec of CONFIG_SCHEMA) {
      const env = spec.type.kind === 'table-list' ? 'File only' : `Environment: ${envVarName(spec.key)}.`
      expect(text).toContain(env)
    }
  })
})

describe('docs/config.md', () => {
  it('documents every key with its env var', () => {
    const doc = readFileSync(DOC, 'utf8')
    for (const spec of CONFIG_SCHEMA) {
      expect(doc).toContain(`| \`${spec.key}\` |`)
      if (spec.type.kind !== 'table-list') expect(doc).toContain(`\`${envVarName(spec.key)}\``)
    }
  })
})

describe('generated files', () => {
  it('moltbook.toml and docs/config.md are up to date with the schema (run `npm run gen`)', () => {
    expect(readFileSync(EXAMPLE, 'utf8')).toBe(renderExampleToml())
    expect(readFileSync(DOC, 'utf8')).toBe(renderConfigDoc())
  })
})

describe('CONFIG_SCHEMA', () => {
  it('has distinct keys, env var names and TypeScript paths', () => {
    const keys = CONFIG_SCHEMA.map((s) => s.key)
    for (const names of [keys, keys.map(envVarName), keys.map(tsPath)]) {
      expect(new Set(names).size).toBe(names.length)
    }
  })

  it('uses snake_case keys whose camelCase form is the DaemonConfig path', () => {
    const config = defaultConfig('/home/u') as unknown as Record<string, unknown>
    for (const spec of CONFIG_SCHEMA) {
      expect(spec.key).toMatch(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/)
      const value = tsPath(spec.key)
        .split('.')
        .reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], config)
      expect(value, spec.key).toBeDefined()
    }
    expect(tsPath('p2p.connections.max_incoming_pending_connections')).toBe(
      'p2p.connections.maxIncomingPendingConnections',
    )
  })

  it('no key is also a table (a TOML path is one or the other)', () => {
    for (const spec of CONFIG_SCHEMA) expect(TABLES.has(spec.key), spec.key).toBe(false)
    expect(SECTIONS).toContain('p2p')
    expect(envVarName('p2p.dht_mode')).toBe('MOLTMESH_P2P_DHT_MODE')
  })

  it('every default passes its own rule, typed and as an env string', () => {
    for (const spec of CONFIG_SCHEMA) {
      expect(coerceTyped(spec, spec.default, 'default')).toEqual(spec.default)
      if (spec.type.kind === 'table-list') {
        // Only the file can carry a list of tables: an env var for one is refused by name.
        expect(() => coerceString(spec, '[]', 'env')).toThrow(
          `"${spec.key}" can only be set in moltbook.toml`,
        )
        continue
      }
      const asEnv = Array.isArray(spec.default) ? spec.default.join(',') : String(spec.default)
      expect(coerceString(spec, asEnv, 'env')).toEqual(spec.default)
    }
  })
})

describe('parseDurationMs (skill handler timeouts)', () => {
  it.each([
    ['0', 0],
    ['250', 250],
    ['500ms', 500],
    ['30s', 30_000],
    ['1.5s', 1_500],
    ['5m', 300_000],
    ['1h', 3_600_000],
  ])('%s is %d ms', (text, ms) => expect(parseDurationMs(text)).toBe(ms))
  it.each(['', 'soon', '-1s', '10 d', '1e3'])('%j is not a duration', (text) =>
    expect(parseDurationMs(text)).toBeUndefined(),
  )
})
