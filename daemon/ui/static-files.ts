// The page and its libraries, served from the package itself (no CDN: the workspace works offline).
// web/ holds the hand-written page; /vendor/ serves the ES module builds that the preact and htm npm
// packages ship, resolved where npm installed them. The page maps bare imports to them with an
// import map in index.html, whose hash the Content-Security-Policy allows as the only inline script.

import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { dirname, extname, join, normalize, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const WEB_DIR = join(dirname(fileURLToPath(import.meta.url)), 'web')

const VENDOR: Record<string, string> = {
  'preact.mjs': fileURLToPath(import.meta.resolve('preact')),
  'preact-hooks.mjs': fileURLToPath(import.meta.resolve('preact/hooks')),
  'htm.mjs': fileURLToPath(import.meta.resolve('htm')),
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
}

export interface StaticFile {
  body: Buffer
  type: string
}

/** The file for a URL path, or undefined (404). Never leaves web/ or the vendor table. */
export async function staticFile(urlPath: string): Promise<StaticFile | undefined> {
  if (urlPath === '/' || urlPath === '/index.html') urlPath = '/index.html'
  let file: string | undefined
  if (urlPath.startsWith('/vendor/')) file = VENDOR[urlPath.slice('/vendor/'.length)]
  else {
    const candidate = normalize(join(WEB_DIR, decodeURIComponent(urlPath)))
    if (candidate.startsWith(WEB_DIR + sep)) file = candidate
  }
  const type = file != null ? TYPES[extname(file)] : undefined
  if (file == null || type == null) return undefined
  try {
    return { body: await readFile(file), type }
  } catch {
    return undefined
  }
}

/** CSP of the page: only its own scripts plus the import map's exact content. */
export async function contentSecurityPolicy(): Promise<string> {
  const html = await readFile(join(WEB_DIR, 'index.html'), 'utf8')
  const importMap = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? ''
  const hash = createHash('sha256').update(importMap).digest('base64')
  return [
    "default-src 'self'",
    `script-src 'self' 'sha256-${hash}'`,
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ')
}
