// The web workspace's API refuses what it must, over real HTTP against a real daemon: every call
// without a session is 401 (every bridged RPC, the event stream, artifact downloads); a login token
// works once; requests from another origin, another site or a rebinding host name are 403 even with
// a valid session; the RPCs that mint secrets are not reachable; configured access tokens work as
// Bearer; a non-loopback listen address without tokens is refused.

import { request } from 'node:http'
import { beforeAll, describe, expect, it } from 'vitest'
import { A2ANodeService } from '../../clients/ts/gen/moltmesh/v1/a2a.ts'
import { DiagService } from '../../clients/ts/gen/moltmesh/v1/diag.ts'
import { ExtService } from '../../clients/ts/gen/moltmesh/v1/ext.ts'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { useMesh } from '../harness/mesh.ts'

const ACCESS_TOKEN = 'ci-access-token-0123456789'

interface Answer {
  status: number
  body: string
  headers: Record<string, string | string[] | undefined>
}

/** A raw HTTP request (fetch would refuse to set Host, Origin and Sec-Fetch-Site as a page can't). */
function http(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  return new Promise<Answer>((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        let body = ''
        res.on('data', (c: Buffer) => {
          body += c.toString()
          // An event stream never ends by itself: its first bytes are enough here.
          if ((res.headers['content-type'] ?? '').startsWith('text/event-stream')) res.destroy()
        })
        const done = () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers })
        res.on('end', done)
        res.on('close', done)
      },
    )
    req.on('error', reject)
    req.end(options.body)
  })
}

const rpcPaths = Object.entries({ A2ANode: A2ANodeService, Diag: DiagService, Ext: ExtService }).flatMap(
  ([service, def]) => Object.values(def).map((m) => `/api/rpc/${service}/${m.path.split('/').pop()}`),
)

describe('MoltBook API security', () => {
  const mesh = useMesh()
  let d: DaemonProcess
  let base: string
  let host: string

  async function session(): Promise<string> {
    const { token } = (await d.cli('ui', '--json', '--no-open')).json<{ token: string }>()
    const login = await http(`${base}api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    })
    expect(login.status).toBe(200)
    const cookie = String(login.headers['set-cookie'])
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Strict/)
    return cookie.split(';')[0] as string
  }

  beforeAll(async () => {
    d = await mesh.spawn('ui-sec', {
      args: ['--ui-listen', '127.0.0.1:0'],
      env: { MOLTMESH_UI_TOKENS: ACCESS_TOKEN },
    })
    const { url } = (await d.cli('ui', '--json', '--no-open')).json<{ url: string }>()
    base = url.replace(/#.*$/, '')
    host = new URL(base).host
  }, 60_000)

  it('answers 401 to every API call without a session', async () => {
    const paths = [
      '/api/health',
      ...rpcPaths,
      '/api/sse/Ext/WatchEvents',
      '/api/sse/A2ANode/SubscribeInbox',
      '/api/blob/bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
      '/api/logout',
    ]
    for (const path of paths) {
      const method = path.startsWith('/api/rpc/') || path === '/api/logout' ? 'POST' : 'GET'
      const res = await http(`${base}${path.slice(1)}`, { method, body: '{}' })
      expect([path, res.status]).toEqual([path, 401])
      expect(JSON.parse(res.body).error.reason).toBe('UNAUTHENTICATED')
    }
    // The page itself is public: it holds no data, only the code that asks for it.
    expect((await http(base)).status).toBe(200)
  })

  it('a login token works once; a wrong cookie or token is 401', async () => {
    const { token } = (await d.cli('ui', '--json', '--no-open')).json<{ token: string }>()
    const login = (t: string) =>
      http(`${base}api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: t }),
      })
    expect((await login(token)).status).toBe(200)
    expect((await login(token)).status).toBe(401)
    expect((await login('guess')).status).toBe(401)
    const forged = await http(`${base}api/health`, { headers: { cookie: 'moltmesh_ui=forged' } })
    expect(forged.status).toBe(401)
  })

  it('refuses cross-origin, cross-site and rebinding requests even with a valid session', async () => {
    const cookie = await session()
    const ok = await http(`${base}api/health`, {
      headers: { cookie, origin: `http://${host}`, 'sec-fetch-site': 'same-origin' },
    })
    expect(ok.status).toBe(200)
    expect(JSON.parse(ok.body).ok).toBe(true)
    const refused: Array<Record<string, string>> = [
      { cookie, origin: 'http://evil.example' },
      { cookie, 'sec-fetch-site': 'cross-site' },
      { cookie, 'sec-fetch-site': 'same-site' },
      { cookie, host: `rebind.evil.example:${new URL(base).port}` },
    ]
    for (const headers of refused) {
      const res = await http(`${base}api/rpc/A2ANode/GetIdentity`, { method: 'POST', headers, body: '{}' })
      expect([headers, res.status]).toEqual([headers, 403])
      expect(JSON.parse(res.body).error.reason).toBe('CROSS_ORIGIN')
      expect(res.headers['access-control-allow-origin']).toBeUndefined()
    }
    // A cross-origin login attempt is refused before the token is even looked at.
    const { token } = (await d.cli('ui', '--json', '--no-open')).json<{ token: string }>()
    const crossLogin = await http(`${base}api/login`, {
      method: 'POST',
      headers: { origin: 'http://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    })
    expect(crossLogin.status).toBe(403)
  })

  it('keeps secret-minting RPCs out of reach and serves the page with a strict CSP', async () => {
    const cookie = await session()
    for (const path of ['/api/rpc/Ext/CreateWebhook', '/api/rpc/Diag/OpenUi', '/api/rpc/Diag/Shutdown']) {
      const res = await http(`${base}${path.slice(1)}`, {
        method: 'POST',
        headers: { cookie },
        body: '{"url":"http://127.0.0.1:9/x"}',
      })
      expect([path, res.status, JSON.parse(res.body).error.reason]).toEqual([path, 404, 'NO_SUCH_METHOD'])
    }
    expect((await d.client.diag.health({})).ok).toBe(true)
    const page = await http(base)
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self' 'sha256-/)
    expect(page.headers['x-frame-options']).toBe('DENY')
    // Errors come back as JSON with the daemon's reason.
    const missing = await http(`${base}api/rpc/A2ANode/GetTask`, {
      method: 'POST',
      headers: { cookie },
      body: '{"id":"nope"}',
    })
    expect([missing.status, JSON.parse(missing.body).error.reason]).toEqual([404, 'TASK_NOT_FOUND'])
    const bad = await http(`${base}api/rpc/A2ANode/GetTask`, {
      method: 'POST',
      headers: { cookie },
      body: '{nope',
    })
    expect([bad.status, JSON.parse(bad.body).error.reason]).toEqual([400, 'INVALID_JSON'])
  })

  it('accepts a configured access token as Bearer (and at login)', async () => {
    const res = await http(`${base}api/health`, { headers: { authorization: `Bearer ${ACCESS_TOKEN}` } })
    expect(res.status).toBe(200)
    const wrong = await http(`${base}api/health`, { headers: { authorization: `Bearer ${ACCESS_TOKEN}x` } })
    expect(wrong.status).toBe(401)
    const login = await http(`${base}api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: ACCESS_TOKEN }),
    })
    expect(login.status).toBe(200)
  })

  it('refuses a non-loopback listen address without ui.tokens', async () => {
    const other = mesh.create('ui-open', { args: ['--ui-listen', '0.0.0.0:0'] })
    await expect(other.start()).rejects.toThrow(/ui\.listen.*not a loopback address/s)
  })
})
