// What `moltmesh init` writes: a moltbook.toml with [agent] and one [[agent.skills]] entry whose
// handler is a small program in the chosen language, and a README with the commands to run it. Every
// template implements the same skill, "word-count" (the words of the text input and of any attached
// files, as JSON), so the handler contract reads the same in each.

export const TEMPLATES = ['shell', 'python', 'ts'] as const
export type Template = (typeof TEMPLATES)[number]

export interface ScaffoldFile {
  name: string
  content: string
  /** Executable (the shell handler). */
  mode?: number
}

const CONTRACT = [
  'The task input arrives on stdin (JSON text for a JSON input, else the text); what is printed on',
  'stdout is the output (JSON becomes a JSON part). Input artifacts are files: their paths are the',
  'arguments, and the lines of $MOLTMESH_INPUT_FILES. Files written to $MOLTMESH_OUTPUT_DIR become',
  'output artifacts. A non-zero exit fails the task; the end of stderr is its message.',
]

const HANDLERS: Record<Template, { file: string; command: string; content: string; mode?: number }> = {
  shell: {
    file: 'handler.sh',
    command: 'sh handler.sh "$@"',
    mode: 0o755,
    content: `#!/bin/sh
# A moltmesh skill handler: counts the words of the task's text and of its attached files.
${CONTRACT.map((l) => `# ${l}`).join('\n')}
set -eu
# Each input on its own line, so the last word of one never runs into the first of the next.
words=$( { cat; echo; for file in "$@"; do cat "$file"; echo; done; } | wc -w | tr -d ' ')
printf '{"words": %s, "files": %s}\\n' "$words" "$#"
`,
  },
  python: {
    file: 'handler.py',
    command: 'python3 handler.py "$@"',
    content: `"""A moltmesh skill handler: counts the words of the task's text and of its attached files.

${CONTRACT.join('\n')}
"""

import json
import sys


def text_of(raw: str) -> str:
    """The text of the input: a JSON input's "text" field (or the JSON string), else the raw text."""
    try:
        value = json.loads(raw)
    except ValueError:
        return raw
    if isinstance(value, dict):
        return str(value.get("text", ""))
    return value if isinstance(value, str) else raw


words = len(text_of(sys.stdin.read()).split())
for path in sys.argv[1:]:
    with open(path, encoding="utf-8", errors="replace") as f:
        words += len(f.read().split())
print(json.dumps({"words": words, "files": len(sys.argv) - 1}))
`,
  },
  ts: {
    file: 'handler.ts',
    command: 'node handler.ts "$@"',
    content: `// A moltmesh skill handler: counts the words of the task's text and of its attached files.
// Runs with the Node that runs moltmesh (>= 22.18 strips the types itself).
${CONTRACT.map((l) => `// ${l}`).join('\n')}
import { readFileSync } from 'node:fs'

/** The text of the input: a JSON input's "text" field (or the JSON string), else the raw text. */
function textOf(raw: string): string {
  try {
    const value: unknown = JSON.parse(raw)
    if (typeof value === 'string') return value
    if (value != null && typeof value === 'object') return String((value as { text?: unknown }).text ?? '')
  } catch {
    // not JSON: plain text
  }
  return raw
}

const count = (text: string): number => text.split(/\\s+/).filter(Boolean).length
const files = process.argv.slice(2)
let words = count(textOf(readFileSync(0, 'utf8')))
for (const path of files) words += count(readFileSync(path, 'utf8'))
console.log(JSON.stringify({ words, files: files.length }))
`,
  },
}

/** An agent name from a directory name: lowercase words joined by hyphens. */
export function agentNameFor(dirName: string): string {
  const name = dirName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return name === '' ? 'my-agent' : name.slice(0, 63)
}

export function scaffold(template: Template, agentName: string): ScaffoldFile[] {
  const handler = HANDLERS[template]
  const toml = `# moltmesh config of the agent "${agentName}", made by \`moltmesh init\`. Every key, with its
# default, is documented in docs/config.md of the moltmesh repository (or \`moltbook.toml\` there).

[agent]
name = "${agentName}"
description = "counts words"

# One skill, served by \`moltmesh start\` with the handler below (run in this directory, once per task;
# "$@" passes the task's input artifacts as file arguments). After editing this file,
# \`moltmesh reload\` applies it to the running daemon.
[[agent.skills]]
id = "word-count"
name = "Word count"
description = "counts the words of its text input and of attached files"
tags = ["text"]
handler = '${handler.command}'
concurrency = 2
timeout = "30s"
`
  const readme = `# ${agentName}

A moltmesh agent with one skill, \`word-count\`, served by \`${handler.file}\`.

\`\`\`sh
moltmesh start --config moltbook.toml --detach   # the daemon serves word-count with ${handler.file}
moltmesh card show                               # the card lists word-count
\`\`\`

From another agent (any DID or claimed name in \`--to\`):

\`\`\`sh
moltmesh create-task --to <this agent's DID> --skill word-count --input 'three little words' --wait
moltmesh create-task --to <this agent's DID> --skill word-count --file notes.txt --wait
\`\`\`

The handler contract: ${CONTRACT.join(' ')}
Edit \`moltbook.toml\` (more skills, \`price\`, \`input_schema\`, \`concurrency\`, \`timeout\`), then run
\`moltmesh reload\`.
`
  return [
    { name: 'moltbook.toml', content: toml },
    { name: handler.file, content: handler.content, mode: handler.mode },
    { name: 'README.md', content: readme },
  ]
}
