// The page's static files: what is served (and what is not), and that index.html preloads every
// module of the page, so the browser fetches the module graph at once (first paint, docs/ui.md).

import { readdir, readFile } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { contentSecurityPolicy, staticFile } from '../../../daemon/ui/static-files.ts'

const WEB = join(dirname(fileURLToPath(import.meta.url)), '../../../daemon/ui/web')

async function modules(dir: string): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...(await modules(path)))
    else if (entry.name.endsWith('.js')) out.push(`/${relative(WEB, path)}`)
  }
  return out
}

describe('static files', () => {
  it('index.html preloads every module of the page and every vendored library', async () => {
    const html = await readFile(join(WEB, 'index.html'), 'utf8')
    const preloaded = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)"/g)].map((m) => m[1])
    const entry = /<script type="module" src="([^"]+)"/.exec(html)?.[1]
    const expected = (await modules(WEB)).filter((m) => m !== entry)
    const vendored = Object.values(
      JSON.parse(/<script type="importmap">([\s\S]*?)<\/script>/.exec(html)![1]!).imports,
    )
    expect(new Set(preloaded)).toEqual(new Set([...expected, ...(vendored as string[])]))
    for (const href of preloaded) expect(await staticFile(href!), href).toBeDefined()
  })

  it('serves the page and the vendored libraries, nothing outside them', async () => {
    expect((await staticFile('/'))?.type).toMatch(/^text\/html/)
    expect((await staticFile('/vendor/preact.mjs'))?.type).toMatch(/^text\/javascript/)
    expect(await staticFile('/../ui.ts')).toBeUndefined()
    expect(await staticFile('/%2e%2e/ui.ts')).toBeUndefined()
    expect(await staticFile('/vendor/../../package.json')).toBeUndefined()
    expect(await staticFile('/nope.js')).toBeUndefined()
  })

  it('allows only its own scripts and the import map by hash', async () => {
    const csp = await contentSecurityPolicy()
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/)
    expect(csp).not.toContain('unsafe')
  })
})
