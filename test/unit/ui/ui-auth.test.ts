import { describe, expect, it } from 'vitest'
import { cookieValue, createUiAuth, SESSION_COOKIE } from '../../../daemon/ui/ui-auth.ts'

const ACCESS = 'configured-token-0123456789'

describe('workspace auth', () => {
  it('a login token gives one session, once', () => {
    const auth = createUiAuth([])
    const token = auth.issueLoginToken()
    const session = auth.login(token)
    expect(session).toMatch(/^[\w-]{43}$/)
    expect(auth.login(token)).toBeUndefined()
    expect(auth.authorized({ cookie: `other=1; ${SESSION_COOKIE}=${session}` })).toBe(true)
    expect(auth.authorized({ cookie: `${SESSION_COOKIE}=${token}` })).toBe(false)
    expect(auth.authorized({})).toBe(false)
  })

  it('login tokens and sessions expire', () => {
    let now = 1_000_000
    const auth = createUiAuth([], () => now)
    const late = auth.issueLoginToken()
    now += 5 * 60_000 + 1
    expect(auth.login(late)).toBeUndefined()
    const session = auth.login(auth.issueLoginToken()) as string
    now += 12 * 3600_000 + 1
    expect(auth.authorized({ cookie: `${SESSION_COOKIE}=${session}` })).toBe(false)
  })

  it('configured access tokens work as Bearer and at login, and stay reusable', () => {
    const auth = createUiAuth([ACCESS])
    expect(auth.authorized({ authorization: `Bearer ${ACCESS}` })).toBe(true)
    expect(auth.authorized({ authorization: `Bearer ${ACCESS.slice(1)}` })).toBe(false)
    expect(auth.authorized({ authorization: ACCESS })).toBe(false)
    expect(auth.login(ACCESS)).toBeDefined()
    expect(auth.login(ACCESS)).toBeDefined()
    expect(auth.login('')).toBeUndefined()
    // Without configured tokens, no Bearer works.
    expect(createUiAuth([]).authorized({ authorization: 'Bearer anything' })).toBe(false)
  })

  it('bounds pending login tokens', () => {
    const auth = createUiAuth([])
    const first = auth.issueLoginToken()
    for (let i = 0; i < 100; i++) auth.issueLoginToken()
    expect(auth.login(first)).toBeUndefined()
  })

  it('parses cookies', () => {
    expect(cookieValue('a=1; b=2', 'b')).toBe('2')
    expect(cookieValue('ab=1', 'b')).toBeUndefined()
    expect(cookieValue(undefined, 'b')).toBeUndefined()
  })
})
