// The CLI-and-daemon bundle (cli/bundle): a daemon started from a fresh bundle runs from it (its start
// line says so) and still finds the files it locates relative to its sources (the web workspace and
// its vendored modules); a bundle whose stamp no longer matches the tree is not used.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BundleStamp } from '../../cli/bundle/bundle-stamp.ts'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { useMesh } from '../harness/mesh.ts'
import { REPO_ROOT } from '../harness/paths.ts'

/** The `code` field of the daemon's 'daemon started' line. */
function codeOf(d: DaemonProcess): string | undefined {
  const line = d.output.findLast((l) => l.includes('"daemon started"')) ?? '{}'
  return (JSON.parse(line) as { code?: string }).code
}

describe('bundle', () => {
  const mesh = useMesh()
  let dir: string

  beforeAll(() => {
    // Inside the repo: the bundle finds the packages it leaves outside (native addons) in node_modules.
    mkdirSync(join(REPO_ROOT, '.cache'), { recursive: true })
    dir = mkdtempSync(join(REPO_ROOT, '.cache', 'bundle-test-'))
    execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'bundle.ts'), '--strict'], {
      cwd: REPO_ROOT,
      env: { ...process.env, MOLTMESH_BUNDLE_DIR: dir },
      stdio: 'pipe',
    })
  }, 120_000)

  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('a fresh bundle runs the daemon and the CLI, with their source-relative files', async () => {
    const d = await mesh.spawn('bundled', {
      args: ['--ui-listen', '127.0.0.1:0'],
      env: { MOLTMESH_BUNDLE_DIR: dir, MOLTMESH_BUNDLE: '1' },
    })
    expect(codeOf(d)).toBe('bundle')
    const ui = await d.cli('ui', '--json', '--no-open')
    expect(ui.code).toBe(0)
    const base = ui.json<{ url: string }>().url.replace(/#.*$/, '')
    const page = await fetch(base)
    expect(page.status).toBe(200)
    expect(await page.text()).toMatch(/<html/i)
    const vendored = await fetch(new URL('vendor/preact.mjs', base))
    expect(vendored.status).toBe(200)
    expect((await vendored.text()).length).toBeGreaterThan(1000)
  }, 90_000)

  it('a stale stamp sends the daemon back to its sources, saying which file changed', async () => {
    const stampFile = join(dir, 'stamp.json')
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as BundleStamp
    const entry = stamp.files.find(([path]) => path === 'daemon/daemon.ts')
    expect(entry).toBeDefined()
    entry![1] += 1
    writeFileSync(stampFile, JSON.stringify(stamp))
    const d = await mesh.spawn('stale', { env: { MOLTMESH_BUNDLE_DIR: dir, MOLTMESH_BUNDLE: '1' } })
    expect(codeOf(d)).toBe('sources (daemon/daemon.ts changed)')
    expect((await d.client.diag.health({})).ok).toBe(true)
  }, 90_000)
})
