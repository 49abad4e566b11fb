// The MCP server is a front end beside the CLI, not part of it: it may import the SDK, node and its
// own files, but not the CLI's output formatting or commands (what both need lives in clients/ts).
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../../harness/paths.ts'

const MCP_DIR = join(REPO_ROOT, 'cli', 'mcp')

describe('cli/mcp layering', () => {
  it('imports nothing from the rest of cli/', () => {
    const files = readdirSync(MCP_DIR).filter((f) => f.endsWith('.ts'))
    expect(files.length).toBeGreaterThan(3)
    const outside = files.flatMap((f) =>
      [...readFileSync(join(MCP_DIR, f), 'utf8').matchAll(/from '(\.\.\/[^']+)'/g)]
        .map((m) => m[1]!)
        .filter((spec) => !spec.startsWith('../../clients/ts/') && !spec.startsWith('../../package.json'))
        .map((spec) => `${f}: ${spec}`),
    )
    expect(outside).toEqual([])
  })
})
