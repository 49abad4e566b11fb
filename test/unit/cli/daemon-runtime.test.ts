// `moltmesh start` re-executes itself with the daemon's memory settings (cli/daemon-runtime.ts):
// which invocations do, and that a user's own settings and the opt-out are respected.
import { describe, expect, it } from 'vitest'
import { commandOf, daemonRelaunch } from '../../../cli/daemon-runtime.ts'

const argv = (...args: string[]) => ['/usr/bin/node', '/x/cli/main.ts', ...args]

describe('daemon runtime settings', () => {
  it('finds the command word past global options', () => {
    expect(commandOf(['start'])).toBe('start')
    expect(commandOf(['--socket', '/tmp/s.sock', '--json', 'start', '--port', '0'])).toBe('start')
    expect(commandOf(['--json', 'health'])).toBe('health')
    expect(commandOf(['--socket', 'start'])).toBeUndefined()
  })

  it('relaunches a foreground start with a 1 MiB semi-space and two malloc arenas', () => {
    const r = daemonRelaunch(argv('start', '--port', '0'), ['--enable-source-maps'], { PATH: '/bin' })
    expect(r?.execArgv).toEqual(['--enable-source-maps', '--max-semi-space-size=1', '--expose-gc'])
    expect(r?.env).toMatchObject({ PATH: '/bin', MALLOC_ARENA_MAX: '2', MOLTMESH_RUNTIME_APPLIED: '1' })
  })

  it("passes the compile cache's folder on, so the new process reads even its entry from it", () => {
    const r = daemonRelaunch(argv('start'), [], {}, '/tmp/node-compile-cache')
    expect(r?.env.NODE_COMPILE_CACHE).toBe('/tmp/node-compile-cache')
    // The user's own folder stays; no cache (turned off) sets none.
    expect(
      daemonRelaunch(argv('start'), [], { NODE_COMPILE_CACHE: '/c' }, '/c')?.env.NODE_COMPILE_CACHE,
    ).toBe('/c')
    expect(daemonRelaunch(argv('start'), [], {})?.env.NODE_COMPILE_CACHE).toBeUndefined()
    // Not a reason to relaunch on its own.
    const env = { NODE_OPTIONS: '--max-semi-space-size=8', MALLOC_ARENA_MAX: '4' }
    expect(daemonRelaunch(argv('start'), [], env, '/tmp/node-compile-cache')).toBeUndefined()
  })

  it('leaves other commands, --detach, the relaunched process and the opt-out alone', () => {
    expect(daemonRelaunch(argv('health'), [], {})).toBeUndefined()
    expect(daemonRelaunch(argv('start', '--detach'), [], {})).toBeUndefined()
    expect(daemonRelaunch(argv('start'), [], { MOLTMESH_RUNTIME_APPLIED: '1' })).toBeUndefined()
    expect(daemonRelaunch(argv('start'), [], { MOLTMESH_NODE_DEFAULTS: '0' })).toBeUndefined()
  })

  it("keeps the user's own values", () => {
    const env = { NODE_OPTIONS: '--max-semi-space-size=8', MALLOC_ARENA_MAX: '4' }
    expect(daemonRelaunch(argv('start'), [], env)).toBeUndefined()
    const r = daemonRelaunch(argv('start'), ['--max-semi-space-size=4'], {})
    expect(r?.execArgv).toEqual(['--max-semi-space-size=4'])
    expect(r?.env.MALLOC_ARENA_MAX).toBe('2')
  })
})
