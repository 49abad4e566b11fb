// The public API's generated types stay at the edge (issue 18): subsystems work on their own types
// (the wire protocol's messages, records) and daemon/rpc/* converts. Only the edge imports the SDK or
// its generated stubs: the RPC adapters, the daemon's assembly (service definitions for the server),
// the web workspace's RPC bridge, and the A2A and MCP bridges (clients of the daemon's own socket).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../../harness/paths.ts'

const DAEMON = join(REPO_ROOT, 'daemon')
const EDGE = ['daemon/rpc/', 'daemon/a2a/', 'daemon/mcp-bridge/', 'daemon/ui/', 'daemon/daemon.ts']

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === 'gen' ? [] : tsFiles(path)
    return name.endsWith('.ts') ? [path] : []
  })
}

describe('the public API at the edge', () => {
  it('no subsystem imports the SDK or its generated public types', () => {
    const files = tsFiles(DAEMON).map((f) => relative(REPO_ROOT, f))
    expect(files.length).toBeGreaterThan(100)
    const offenders = files
      .filter((f) => !EDGE.some((e) => f.startsWith(e)))
      .filter((f) => /from '(\.\.\/)+clients\/ts\//.test(readFileSync(join(REPO_ROOT, f), 'utf8')))
    expect(offenders).toEqual([])
  })

  it('the check sees such an import where there is one', () => {
    const adapter = readFileSync(join(DAEMON, 'rpc', 'tasks-adapter.ts'), 'utf8')
    expect(adapter).toMatch(/from '(\.\.\/)+clients\/ts\//)
  })
})
