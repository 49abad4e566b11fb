import { describe, expect, it } from 'vitest'
import { crossOriginProblem } from '../../../daemon/ui/origin-guard.ts'

const server = { port: 7421, loopbackOnly: true }

describe('workspace origin guard', () => {
  it('lets same-origin requests through', () => {
    expect(crossOriginProblem({ host: '127.0.0.1:7421' }, server)).toBeUndefined()
    expect(
      crossOriginProblem(
        { host: 'localhost:7421', origin: 'http://localhost:7421', 'sec-fetch-site': 'same-origin' },
        server,
      ),
    ).toBeUndefined()
    expect(crossOriginProblem({ host: '[::1]:7421', 'sec-fetch-site': 'none' }, server)).toBeUndefined()
  })

  it('refuses other origins, other sites and rebinding host names', () => {
    expect(crossOriginProblem({ host: '127.0.0.1:7421', origin: 'http://evil.example' }, server)).toMatch(
      /cross-origin/,
    )
    expect(crossOriginProblem({ host: '127.0.0.1:7421', origin: 'http://127.0.0.1:9999' }, server)).toMatch(
      /cross-origin/,
    )
    expect(crossOriginProblem({ host: '127.0.0.1:7421', 'sec-fetch-site': 'cross-site' }, server)).toMatch(
      /cross-site/,
    )
    expect(crossOriginProblem({ host: 'evil.example:7421' }, server)).toMatch(/Host/)
    expect(crossOriginProblem({ host: '127.0.0.1:80' }, server)).toMatch(/Host/)
    expect(crossOriginProblem({}, server)).toMatch(/Host/)
  })

  it('beyond loopback, any Host is fine but origins are still checked', () => {
    const open = { port: 7421, loopbackOnly: false }
    expect(crossOriginProblem({ host: 'agent.example:7421' }, open)).toBeUndefined()
    expect(crossOriginProblem({ host: 'agent.example:7421', origin: 'http://evil.example' }, open)).toMatch(
      /cross-origin/,
    )
  })
})
