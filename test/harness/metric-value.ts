// A daemon's metric read through Diag.GetMetrics: the sum of the samples named `name` whose labels
// include every one of `labels` (0 when there is none).
import type { DaemonProcess } from './daemon-process.ts'

export async function metricValue(
  d: DaemonProcess,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const { metrics } = await d.client.diag.getMetrics({})
  return metrics
    .filter((m) => m.name === name && Object.entries(labels).every(([k, v]) => m.labels[k] === v))
    .reduce((n, m) => n + m.value, 0)
}
