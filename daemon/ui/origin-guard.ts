// Refuses API requests made by other web sites. A page on another origin can make the browser send
// requests to 127.0.0.1 (CSRF) or point its own host name at it (DNS rebinding); the session cookie is
// SameSite=Strict and never sent then, but the API checks the request's own evidence as well:
// `Origin` must be this server, `Sec-Fetch-Site` must say same-origin, and on loopback the Host header
// must name the loopback address itself.

import type { IncomingHttpHeaders } from 'node:http'

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]']

/** Why the request is refused, or undefined when it may proceed. */
export function crossOriginProblem(
  headers: IncomingHttpHeaders,
  server: { port: number; loopbackOnly: boolean },
): string | undefined {
  const host = headers.host ?? ''
  if (server.loopbackOnly && !LOOPBACK_HOSTS.some((h) => host === `${h}:${server.port}`)) {
    return `Host "${host}" is not this workspace's loopback address`
  }
  const origin = headers.origin
  if (origin != null && origin !== `http://${host}`) return `cross-origin request from ${origin}`
  const site = headers['sec-fetch-site']
  if (site != null && site !== 'same-origin' && site !== 'none') return `cross-site request (${site})`
  return undefined
}
