// A small metrics registry: labelled counters plus gauges sampled at scrape time, rendered as structured
// samples (Diag.GetMetrics) and as Prometheus text exposition format 0.0.4.

export type Labels = Record<string, string>

export interface MetricSample {
  name: string
  help: string
  type: 'counter' | 'gauge'
  labels: Labels
  value: number
}

export interface Counter {
  inc(labels?: Labels, by?: number): void
}

export interface Metrics {
  counter(name: string, help: string): Counter
  /** A gauge whose samples are computed when metrics are read. */
  gauge(name: string, help: string, sample: () => Array<{ labels?: Labels; value: number }> | number): void
  collect(): MetricSample[]
  prometheusText(): string
}

export function createMetrics(): Metrics {
  const counters = new Map<string, { help: string; values: Map<string, { labels: Labels; value: number }> }>()
  const gauges = new Map<
    string,
    { help: string; sample: () => Array<{ labels?: Labels; value: number }> | number }
  >()

  return {
    counter(name, help) {
      let entry = counters.get(name)
      if (entry == null) {
        entry = { help, values: new Map() }
        counters.set(name, entry)
      }
      const values = entry.values
      return {
        inc(labels = {}, by = 1) {
          const key = labelKey(labels)
          const current = values.get(key)
          if (current == null) values.set(key, { labels, value: by })
          else current.value += by
        },
      }
    },
    gauge(name, help, sample) {
      gauges.set(name, { help, sample })
    },
    collect() {
      const out: MetricSample[] = []
      for (const [name, { help, values }] of counters) {
        if (values.size === 0) out.push({ name, help, type: 'counter', labels: {}, value: 0 })
        for (const { labels, value } of values.values())
          out.push({ name, help, type: 'counter', labels, value })
      }
      for (const [name, { help, sample }] of gauges) {
        const result = sample()
        const samples = typeof result === 'number' ? [{ value: result }] : result
        for (const s of samples)
          out.push({ name, help, type: 'gauge', labels: s.labels ?? {}, value: s.value })
      }
      return out
    },
    prometheusText() {
      return renderPrometheus(this.collect())
    },
  }
}

export function renderPrometheus(samples: MetricSample[]): string {
  const lines: string[] = []
  let previous = ''
  for (const s of samples) {
    if (s.name !== previous) {
      lines.push(`# HELP ${s.name} ${s.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`)
      lines.push(`# TYPE ${s.name} ${s.type}`)
      previous = s.name
    }
    const labels = Object.entries(s.labels)
    const labelText =
      labels.length === 0 ? '' : `{${labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`
    lines.push(`${s.name}${labelText} ${Number.isFinite(s.value) ? s.value : 0}`)
  }
  return `${lines.join('\n')}\n`
}

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')
}

function labelKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',')
}
