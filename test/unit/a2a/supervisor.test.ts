import { describe, expect, it } from 'vitest'
import { createSupervisor } from '../../../daemon/a2a/supervisor.ts'

describe('bridge supervisor (config reload of [[mcp.servers]] / [[a2a.remote]])', () => {
  it('starts new entries, stops removed ones, restarts changed ones and leaves the rest running', async () => {
    const events: string[] = []
    const supervisor = createSupervisor<{ name: string; url: string }>(async (entry, signal) => {
      events.push(`start ${entry.name} ${entry.url}`)
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))
      events.push(`stop ${entry.name}`)
    })
    expect(
      await supervisor.reconcile([
        { name: 'a', url: '1' },
        { name: 'b', url: '1' },
      ]),
    ).toEqual({
      started: ['a', 'b'],
      stopped: [],
    })
    const changed = await supervisor.reconcile([
      { name: 'a', url: '2' },
      { name: 'c', url: '1' },
    ])
    expect(changed).toEqual({ started: ['a', 'c'], stopped: ['a', 'b'] })
    expect(events).toEqual(['start a 1', 'start b 1', 'stop a', 'stop b', 'start a 2', 'start c 1'])
    expect(
      await supervisor.reconcile([
        { name: 'a', url: '2' },
        { name: 'c', url: '1' },
      ]),
    ).toEqual({
      started: [],
      stopped: [],
    })
    await supervisor.stop()
    expect(supervisor.names()).toEqual([])
    expect(events.slice(-2).sort()).toEqual(['stop a', 'stop c'])
    // After stop, a late reload starts nothing.
    expect(await supervisor.reconcile([{ name: 'd', url: '1' }])).toEqual({ started: [], stopped: [] })
  })
})
