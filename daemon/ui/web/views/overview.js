// Overview: who this agent is, whether the daemon is healthy, who it is connected to, and how busy
// it has been (event counts per minute since the page opened).

import { useEffect, useState } from 'preact/hooks'
import { rpc } from '../api.js'
import { Did, Empty, ErrorBox, html, Loading, Sparkline, useQuery } from '../kit.js'
import { recentEvents } from '../live.js'

const MINUTES = 15

function perMinute(prefixes, suffixes = []) {
  const now = Date.now()
  const buckets = new Array(MINUTES).fill(0)
  for (const e of recentEvents()) {
    const age = Math.floor((now - e.at) / 60_000)
    if (age >= MINUTES) continue
    if (prefixes.some((p) => e.type.startsWith(p)) || suffixes.some((s) => e.type.endsWith(s))) {
      buckets[MINUTES - 1 - age]++
    }
  }
  return buckets
}

export function Overview() {
  const info = useQuery(async () => {
    const [identity, health, details] = await Promise.all([
      rpc('A2ANode/GetIdentity'),
      rpc('Diag/Health'),
      rpc('Diag/GetInfo'),
    ])
    return { identity, health, details }
  }, [])
  const peers = useQuery(() => rpc('Diag/ListPeers', {}), [], { live: ['peer'], pollMs: 10_000 })
  const [, tick] = useState(0)
  useEffect(() => {
    const t = setInterval(() => tick((n) => n + 1), 5_000)
    return () => clearInterval(t)
  }, [])

  const d = info.data
  const series = [
    ['Messages', perMinute(['message.'])],
    ['Tasks', perMinute(['task.'])],
    ['Errors', perMinute([], ['.failed', '.expired', '.rejected'])],
  ]
  return html`<section>
    <h1>Overview</h1>
    <${ErrorBox} error=${info.error} />
    <${Loading} when=${info.loading && d == null} />
    ${
      d &&
      html`<dl class="fields">
        <dt>DID</dt><dd><code class="did-full">${d.identity.did}</code></dd>
        <dt>Names</dt><dd>${(d.identity.names ?? []).join(', ') || html`<span class="muted">none claimed</span>`}</dd>
        <dt>Health</dt><dd data-testid="health">${d.health.ok ? 'ok' : 'degraded'} · v${d.health.version}</dd>
        <dt>Reachable at</dt><dd>${(d.details.announceAddresses ?? []).map((a) => html`<code class="addr">${a}</code> `)}</dd>
        <dt>DHT mode</dt><dd>${d.details.dhtMode}</dd>
      </dl>`
    }
    <h2>Activity (events per minute, last ${MINUTES} min)</h2>
    <div class="sparks">
      ${series.map(
        ([label, values]) =>
          html`<figure><${Sparkline} values=${values} label=${`${label} per minute`} /><figcaption>${label}: ${values.reduce((a, b) => a + b, 0)}</figcaption></figure>`,
      )}
    </div>
    <h2>Peers</h2>
    <${ErrorBox} error=${peers.error} />
    ${
      peers.data && (peers.data.peers ?? []).length === 0
        ? html`<${Empty}>No peers connected yet.</${Empty}>`
        : html`<table>
          <thead><tr><th scope="col">Agent</th><th scope="col">Transport</th><th scope="col">Latency</th><th scope="col">Direction</th></tr></thead>
          <tbody>
            ${(peers.data?.peers ?? []).map(
              (p) => html`<tr>
                <td><${Did} did=${p.did || p.peerId} /></td>
                <td>${p.transport || '—'}</td>
                <td>${p.latencyMs ? `${Number(p.latencyMs).toFixed(1)} ms` : '—'}</td>
                <td>${p.direction || '—'}</td>
              </tr>`,
            )}
          </tbody>
        </table>`
    }
  </section>`
}
