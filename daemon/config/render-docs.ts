// Renders the example moltbook.toml and docs/config.md from the schema, so the documented keys and
// defaults can never drift from the code (a unit test compares the committed files with these).

import { CONFIG_SCHEMA, envVarName, type KeySpec } from './schema.ts'

function tomlValue(value: KeySpec['default']): string {
  if (Array.isArray(value)) return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`
  return typeof value === 'string' ? JSON.stringify(value) : String(value)
}

function typeText(spec: KeySpec): string {
  const t = spec.type
  switch (t.kind) {
    case 'int':
      return `integer ${t.min}..${t.max}`
    case 'enum':
      return t.values.map((v) => `"${v}"`).join(' | ')
    case 'list':
      return t.item === 'transport' ? 'list of "tcp" | "quic"' : 'list of multiaddrs'
    case 'path':
      return 'path'
    default:
      return t.kind
  }
}

export function renderExampleToml(): string {
  const lines = [
    '# moltbook.toml — moltmesh daemon configuration.',
    '#',
    '# Every key is listed with its default value, so this file changes nothing as it is: edit what you',
    '# need. Precedence: command-line flags > MOLTMESH_* environment variables > this file > defaults.',
    '# The daemon reads --config <file> (or $MOLTMESH_CONFIG), else ./moltbook.toml, else',
    '# ~/.moltmesh/moltbook.toml. Unknown keys and wrong types stop the daemon with the key named.',
    '# Generated from daemon/config/schema.ts by `npm run gen`; docs/config.md has the same list.',
  ]
  let table = ''
  for (const spec of CONFIG_SCHEMA) {
    const parts = spec.key.split('.')
    const name = parts.pop() as string
    const section = parts.join('.')
    if (section !== table) {
      lines.push('', `[${section}]`)
      table = section
    }
    lines.push('', `# ${spec.doc}`, `# Type: ${typeText(spec)}. Environment: ${envVarName(spec.key)}.`)
    lines.push(`${name} = ${tomlValue(spec.default)}`)
  }
  return `${lines.join('\n')}\n`
}

export function renderConfigDoc(): string {
  const rows = CONFIG_SCHEMA.map(
    (s) =>
      `| \`${s.key}\` | ${typeText(s).replace(/\|/g, '\\|')} | \`${tomlValue(s.default)}\` | \`${envVarName(s.key)}\` | ${s.doc} |`,
  )
  return [
    '# Configuration',
    '',
    'The daemon runs with no configuration at all. To change something, use (highest precedence first):',
    '',
    '1. flags of `moltmesh start`: `--data-dir`, `--socket`, `--port`, `--bootstrap`, `--no-mdns`, `--log-level`;',
    '2. environment variables `MOLTMESH_<KEY>` (dots become underscores; lists are comma-separated;',
    '   booleans are true/false/1/0/yes/no);',
    '3. a TOML file: `--config <file>` or `$MOLTMESH_CONFIG` (must exist), else `./moltbook.toml`, else',
    '   `~/.moltmesh/moltbook.toml`;',
    '4. the defaults below.',
    '',
    'An unknown key (in the file, or a `MOLTMESH_P2P_*`/`MOLTMESH_RPC_*` variable that matches no key), a',
    'wrong type or a missing explicit config file stops the daemon at startup with an error that names the',
    'key, variable or flag (reason `CONFIG_INVALID` or `CONFIG_NOT_FOUND`).',
    '',
    "The repository's [moltbook.toml](../moltbook.toml) lists every key at its default. Both files are",
    'generated from `daemon/config/schema.ts` (`npm run gen`).',
    '',
    '| key | type | default | environment | meaning |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n')
}
