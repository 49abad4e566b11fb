// The daemon's lifecycle with stub subsystems: stop is the exact reverse of start, hooks run around
// them in the same orders, a failed start leaves only the started ones to stop, and one failing stop
// does not keep the others running.
import { describe, expect, it } from 'vitest'
import { createLifecycle } from '../../../daemon/lifecycle/lifecycle.ts'
import type { Startable } from '../../../daemon/lifecycle/startable.ts'

function stub(name: string, log: string[], fail: { start?: boolean; stop?: boolean } = {}): Startable {
  return {
    async start() {
      await Promise.resolve()
      if (fail.start) throw new Error(`${name} cannot start`)
      log.push(`start ${name}`)
    },
    stop() {
      log.push(`stop ${name}`)
      if (fail.stop) throw new Error(`${name} cannot stop`)
    },
    afterStart: () => void log.push(`afterStart ${name}`),
    beforeStop: () => void log.push(`beforeStop ${name}`),
  }
}

const warnings: unknown[] = []
const logger = { warn: (obj: unknown) => void warnings.push(obj), debug: () => undefined }

describe('lifecycle', () => {
  it('stops in the reverse of the start order, with the hooks around it', async () => {
    const log: string[] = []
    const lifecycle = createLifecycle(logger)
    for (const name of ['store', 'p2p', 'messaging', 'tasks', 'rpc'])
      await lifecycle.start(name, stub(name, log))
    await lifecycle.afterStart()
    expect(lifecycle.started()).toEqual(['store', 'p2p', 'messaging', 'tasks', 'rpc'])
    await lifecycle.stop()
    const starts = log.filter((l) => l.startsWith('start ')).map((l) => l.slice(6))
    const stops = log.filter((l) => l.startsWith('stop ')).map((l) => l.slice(5))
    expect(stops).toEqual([...starts].reverse())
    expect(log).toEqual([
      'start store',
      'start p2p',
      'start messaging',
      'start tasks',
      'start rpc',
      'afterStart store',
      'afterStart p2p',
      'afterStart messaging',
      'afterStart tasks',
      'afterStart rpc',
      'beforeStop rpc',
      'beforeStop tasks',
      'beforeStop messaging',
      'beforeStop p2p',
      'beforeStop store',
      'stop rpc',
      'stop tasks',
      'stop messaging',
      'stop p2p',
      'stop store',
    ])
    expect(lifecycle.started()).toEqual([])
  })

  it('leaves only the subsystems that started to stop when a start fails', async () => {
    const log: string[] = []
    const lifecycle = createLifecycle(logger)
    await lifecycle.start('store', stub('store', log))
    await lifecycle.start('p2p', stub('p2p', log))
    await expect(lifecycle.start('rpc', stub('rpc', log, { start: true }))).rejects.toThrow(
      'rpc cannot start',
    )
    await lifecycle.stop()
    expect(log.filter((l) => l.startsWith('stop '))).toEqual(['stop p2p', 'stop store'])
  })

  it('keeps stopping after one stop fails, and reports it', async () => {
    const log: string[] = []
    warnings.length = 0
    const lifecycle = createLifecycle(logger)
    await lifecycle.start('a', stub('a', log))
    await lifecycle.start('b', stub('b', log, { stop: true }))
    await lifecycle.start('c', stub('c', log))
    await lifecycle.stop()
    expect(log.filter((l) => l.startsWith('stop '))).toEqual(['stop c', 'stop b', 'stop a'])
    expect(warnings).toEqual([expect.objectContaining({ subsystem: 'b' })])
  })

  it('stops once, and starts nothing after a stop began', async () => {
    const log: string[] = []
    const lifecycle = createLifecycle(logger)
    await lifecycle.start('a', stub('a', log))
    await Promise.all([lifecycle.stop(), lifecycle.stop()])
    expect(log.filter((l) => l === 'stop a')).toHaveLength(1)
    await expect(lifecycle.start('late', stub('late', log))).rejects.toThrow('stopping')
    expect(log).not.toContain('start late')
  })
})
