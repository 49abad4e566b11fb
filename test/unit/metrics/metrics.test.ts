import { describe, expect, it } from 'vitest'
import { createMetrics } from '../../../daemon/metrics/metrics.ts'

describe('metrics', () => {
  it('counts by label set and renders Prometheus text', () => {
    const m = createMetrics()
    const calls = m.counter('moltmesh_rpc_calls_total', 'calls')
    calls.inc({ method: 'Health', code: '0' })
    calls.inc({ code: '0', method: 'Health' })
    calls.inc({ method: 'Ping', code: '12' }, 3)
    m.gauge('moltmesh_peers', 'peers', () => 2)
    m.gauge('moltmesh_connections', 'conns', () => [{ labels: { transport: 'quic' }, value: 1 }])

    const samples = m.collect()
    expect(samples.find((s) => s.labels.method === 'Health')?.value).toBe(2)
    expect(samples.find((s) => s.labels.method === 'Ping')?.value).toBe(3)
    const text = m.prometheusText()
    expect(text).toContain('# TYPE moltmesh_rpc_calls_total counter')
    expect(text).toContain('moltmesh_rpc_calls_total{method="Health",code="0"} 2')
    expect(text).toContain('moltmesh_peers 2')
    expect(text).toContain('moltmesh_connections{transport="quic"} 1')
    // One HELP/TYPE header per metric name.
    expect(text.match(/# TYPE moltmesh_rpc_calls_total/g)).toHaveLength(1)
  })

  it('escapes label values', () => {
    const m = createMetrics()
    m.counter('x_total', 'x').inc({ v: 'a"b\\c\nd' })
    expect(m.prometheusText()).toContain('x_total{v="a\\"b\\\\c\\nd"} 1')
  })
})
