// One gauge over every DHT announcer of the daemon (cards with their capability provider records, and
// names): how many announcements are still being stored or waiting to retry, and how many reached
// nobody. An operator sees from it whether what the daemon published is findable yet; the mesh
// benchmark waits on it before it searches, so that a record still being stored is not counted as a
// search that missed.

import type { Metrics } from '../metrics/metrics.ts'

export interface AnnouncementCounts {
  inFlight(): number
  pending(): string[]
}

export interface AnnouncementRegistry {
  add(announcer: AnnouncementCounts): void
}

export function registerAnnouncementGauge(metrics: Metrics): AnnouncementRegistry {
  const announcers = new Set<AnnouncementCounts>()
  const sum = (count: (a: AnnouncementCounts) => number) => {
    let n = 0
    for (const a of announcers) n += count(a)
    return n
  }
  metrics.gauge(
    'moltmesh_dht_announcements',
    'DHT announcements of this daemon (card, capabilities, names): in_flight = being stored or waiting to retry; unstored = the last attempt reached no peer (announced again when the routing table gains one)',
    () => [
      { labels: { state: 'in_flight' }, value: sum((a) => a.inFlight()) },
      { labels: { state: 'unstored' }, value: sum((a) => a.pending().length) },
    ],
  )
  return { add: (announcer) => announcers.add(announcer) }
}
