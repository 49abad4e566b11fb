// Who may use the web workspace. Three kinds of credential:
// - one-time login tokens issued by OpenUi (`moltmesh ui`): valid a few minutes, consumed by the first
//   login, so a URL left in a terminal's scrollback or shell history is worthless afterwards;
// - sessions: what a login turns into, kept in an HttpOnly SameSite=Strict cookie that page scripts
//   cannot read and other sites cannot make the browser send;
// - access tokens from `ui.tokens` (configured, long-lived): accepted at login and as a Bearer header.
// Everything is in memory: a daemon restart logs every browser out (run `moltmesh ui` again).

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

export const SESSION_COOKIE = 'moltmesh_ui'
const LOGIN_TOKEN_TTL_MS = 5 * 60_000
const SESSION_TTL_MS = 12 * 3600_000
/** Bounds memory however often `moltmesh ui` runs or logins happen. */
const MAX_PENDING_LOGINS = 64
const MAX_SESSIONS = 256

export interface UiAuth {
  /** A new one-time login token. */
  issueLoginToken(): string
  /** Exchanges a login token (consumed) or a configured access token for a new session id. */
  login(token: string): string | undefined
  /** True when the request carries a live session cookie or a configured token as Bearer. */
  authorized(headers: { cookie?: string; authorization?: string }): boolean
}

function newSecret(): string {
  return randomBytes(32).toString('base64url')
}

/** Compares digests so neither length nor content leaks through timing. */
function sameSecret(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest()
  const db = createHash('sha256').update(b).digest()
  return timingSafeEqual(da, db)
}

export function cookieValue(cookieHeader: string | undefined, name: string): string | undefined {
  if (cookieHeader == null) return undefined
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}

export function createUiAuth(accessTokens: readonly string[], now: () => number = Date.now): UiAuth {
  const logins = new Map<string, number>() // token -> expiry
  const sessions = new Map<string, number>() // session id -> expiry

  const prune = (map: Map<string, number>, max: number) => {
    const t = now()
    for (const [k, expiry] of map) if (expiry <= t) map.delete(k)
    // Maps iterate in insertion order: the oldest go first.
    while (map.size >= max) map.delete(map.keys().next().value as string)
  }
  const isAccessToken = (token: string) => accessTokens.some((t) => sameSecret(t, token))

  return {
    issueLoginToken() {
      prune(logins, MAX_PENDING_LOGINS)
      const token = newSecret()
      logins.set(token, now() + LOGIN_TOKEN_TTL_MS)
      return token
    },
    login(token) {
      if (token === '') return undefined
      const expiry = logins.get(token)
      const valid = (expiry != null && expiry > now()) || isAccessToken(token)
      logins.delete(token)
      if (!valid) return undefined
      prune(sessions, MAX_SESSIONS)
      const session = newSecret()
      sessions.set(session, now() + SESSION_TTL_MS)
      return session
    },
    authorized(headers) {
      const session = cookieValue(headers.cookie, SESSION_COOKIE)
      if (session != null) {
        const expiry = sessions.get(session)
        if (expiry != null && expiry > now()) return true
      }
      const bearer = /^Bearer (\S+)$/.exec(headers.authorization ?? '')?.[1]
      return bearer != null && isAccessToken(bearer)
    },
  }
}
