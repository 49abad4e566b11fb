// Renders the example moltbook.toml and docs/config.md from the schema, so the documented keys and
// defaults can never drift from the code (a unit test compares the committed files with these).

import { CONFIG_SCHEMA, envVarName, type KeySpec, SECTIONS } from './schema.ts'

function tomlValue(value: KeySpec['default']): string {
  if (Array.isArray(value)) return `[${(value as unknown[]).map((v) => JSON.stringify(v)).join(', ')}]`
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
      if (t.item === 'transport') return 'list of "tcp" | "quic"'
      if (t.item === 'capability') return 'list of capabilities'
      if (t.item === 'did') return 'list of DIDs'
      if (t.item === 'string') return 'list of strings'
      return t.item === 'peer-multiaddr'
        ? 'list of multiaddrs ending in /p2p/<peer id>'
        : 'list of multiaddrs'
    case 'path':
      return t.emptyMeans == null ? 'path' : `path (empty = ${t.emptyMeans})`
    case 'string':
      return t.expected == null ? 'string' : `string: ${t.expected}`
    case 'bool':
      return 'boolean'
    case 'table-list':
      return `list of [[tables]] with ${t.fields.map((f) => f.key).join(', ')}`
  }
}

/** Commented-out example of one table of a table-list, every field with its doc and default. */
function exampleTable(spec: KeySpec): string[] {
  if (spec.type.kind !== 'table-list') return []
  const lines = ['#', `# Example (uncomment and repeat [[${spec.key}]] for each):`, `# [[${spec.key}]]`]
  for (const f of spec.type.fields) {
    const value = f.key === 'id' ? '"text-generation"' : tomlValue(f.default)
    const setting = `# ${f.key} = ${value}`.padEnd(40)
    lines.push(`${setting} # ${f.required ? 'required. ' : ''}${f.doc}`)
  }
  return lines
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
  // TOML needs top-level keys before the first [table], and each table's keys together, whatever
  // order rows were added to the schema in.
  const bySection = new Map<string, KeySpec[]>([['', []]])
  for (const spec of CONFIG_SCHEMA) {
    const section = spec.key.includes('.') ? spec.key.slice(0, spec.key.lastIndexOf('.')) : ''
    bySection.set(section, [...(bySection.get(section) ?? []), spec])
  }
  for (const [section, specs] of bySection) {
    if (section !== '') lines.push('', `[${section}]`)
    for (const spec of specs) {
      const name = spec.key.slice(spec.key.lastIndexOf('.') + 1)
      const type = `# Type: ${typeText(spec)}.`
      const env =
        spec.type.kind === 'table-list'
          ? 'File only (no environment variable).'
          : `Environment: ${envVarName(spec.key)}.`
      // The env var name stays whole on one line, so it can be searched for.
      const meta = `${type} ${env}`.length <= 100 ? [`${type} ${env}`] : [type, `# ${env}`]
      lines.push('', ...comment(spec.doc), ...meta)
      lines.push(`${name} = ${tomlValue(spec.default)}`, ...exampleTable(spec))
    }
  }
  return `${lines.join('\n')}\n`
}

export function renderConfigDoc(): string {
  const rows = CONFIG_SCHEMA.flatMap((s) => [
    `| \`${s.key}\` | ${mdCell(typeText(s))} | \`${tomlValue(s.default)}\` | ${s.type.kind === 'table-list' ? 'file only' : `\`${envVarName(s.key)}\``} | ${mdCell(s.doc)} |`,
    ...(s.type.kind === 'table-list'
      ? s.type.fields.map(
          (f) =>
            `| \`${s.key}[].${f.key}\` | ${mdCell(typeText(f))}${f.required ? ' (required)' : ''} | \`${tomlValue(f.default)}\` | | ${mdCell(f.doc)} |`,
        )
      : []),
  ])
  const sectionVars = SECTIONS.map((s) => `\`${envVarName(s)}_*\``).join('/')
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
    'These stop the daemon at startup with an error that names the key, variable or flag (reason',
    '`CONFIG_INVALID`, or `CONFIG_NOT_FOUND` for the file):',
    '',
    '- an unknown key in the file, at any depth;',
    `- a variable under a config section that matches no key: ${sectionVars};`,
    '- a wrong type or a value out of range, from any source;',
    '- a TOML syntax error (the file, line and column are named);',
    '- a file given by `--config` or `$MOLTMESH_CONFIG` that does not exist.',
    '',
    'Other `MOLTMESH_*` variables (such as `MOLTMESH_JSON` of the CLI) are ignored.',
    '',
    'Relative paths are relative to the config file they appear in, or to the working directory when they',
    'come from a flag or variable; `~` is the home directory. Setting `rpc.tcp_listen` requires an',
    '`rpc.tcp_token` of at least 16 characters.',
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

/** Table-cell text: "|" would end the cell and "<data_dir>" would vanish as an HTML tag. */
function mdCell(text: string): string {
  // Odd segments are `code spans`, where markdown shows characters as they are.
  return text
    .split('`')
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/</g, '&lt;').replace(/>/g, '&gt;')))
    .join('`')
    .replace(/\|/g, '\\|')
}

/** `# ` lines wrapped at 100 columns, so the example reads well in a terminal. */
function comment(text: string): string[] {
  const out: string[] = []
  let line = '#'
  for (const word of text.split(' ')) {
    if (line.length + 1 + word.length > 100 && line !== '#') {
      out.push(line)
      line = '#'
    }
    line += ` ${word}`
  }
  out.push(line)
  return out
}
