// Overview: who this agent is, whether the daemon is healthy, who it is connected to, and how busy
// it has been (event counts per minute, kept by the daemon since it started: Diag/GetActivity).

import { useState } from 'preact/hooks'
import { rpc } from '../api.js'
import { Did, Empty, ErrorBox, html, Loading, Sparkline, useQuery } from '../kit.js'

const MINUTES = 15
const LABELS = { messages: 'Messages', tasks: 'Tasks', errors: 'Errors' }

export function Overview() {
  // Reachability and relays change while the daemon runs (the verdict is re-made every 5 s): polled.
  const info = useQuery(
    async () => {
      const [identity, health, details] = await Promise.all([
        rpc('A2ANode/GetIdentity'),
        rpc('Diag/Health'),
        rpc('Diag/GetInfo'),
      ])
      return { identity, health, details }
    },
    [],
    { live: ['peer'], pollMs: 10_000 },
  )
  const peers = useQuery(() => rpc('Diag/ListPeers', {}), [], { live: ['peer'], pollMs: 10_000 })
  // Counted by the daemon, so the charts include the time before the page was opened.
  const activity = useQuery(() => rpc('Diag/GetActivity', { minutes: MINUTES }), [], { pollMs: 5_000 })

  const d = info.data
  const series = (activity.data?.series ?? []).map((s) => [LABELS[s.name] ?? s.name, s.counts ?? []])
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
        <dt>Reachability</dt><dd data-testid="reachability"><${Reachability} status=${d.details.publicNetwork} /></dd>
        <dt>Addresses</dt><dd>${(d.details.announceAddresses ?? []).map((a) => html`<code class="addr">${a}</code> `)}</dd>
        ${relayAddresses(d.details.publicNetwork)}
        <dt>Relaying</dt><dd>${relayService(d.details.publicNetwork)}</dd>
        <dt>Global network</dt><dd data-testid="public-network">${globalNetwork(d.details.publicNetwork)}</dd>
        <dt>DHT mode</dt><dd>${d.details.dhtMode} · ${d.details.peerCount ?? 0} peer(s) · up ${uptime(d.details.uptimeMs)}</dd>
      </dl>`
    }
    <h2>Activity (events per minute, last ${MINUTES} min)</h2>
    <${ErrorBox} error=${activity.error} />
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
            ${(peers.data?.peers ?? []).map((p) => html`<${PeerRow} key=${p.peerId} peer=${p} />`)}
          </tbody>
        </table>`
    }
  </section>`
}

/**
 * One connected peer. Latency is the connection's last measured round trip (0 until libp2p measured
 * one); "Ping" measures it now (Diag.Ping) and says so when the peer does not answer.
 */
function PeerRow({ peer }) {
  const [ping, setPing] = useState(undefined)
  const measure = () => {
    setPing({ busy: true })
    rpc('Diag/Ping', { target: peer.peerId, count: 3, intervalMs: 100 }).then(
      (r) =>
        setPing(r.reachable ? { ms: r.averageLatencyMs } : { error: r.attempts?.[0]?.error || 'no answer' }),
      (err) => setPing({ error: err.message }),
    )
  }
  const latency = ping?.ms ?? peer.latencyMs
  const name = peer.did || peer.peerId
  return html`<tr data-peer-id=${peer.peerId}>
    <td><${Did} did=${name} /></td>
    <td>${peer.transport || '—'}</td>
    <td><span class="latency" aria-live="polite">${
      ping?.error
        ? html`<span class="error-text">unreachable: ${ping.error}</span>`
        : latency
          ? `${Number(latency).toFixed(1)} ms`
          : '—'
    }</span>
      <button type="button" class="small" disabled=${ping?.busy} aria-label=${`Ping ${name}`} onClick=${measure}>Ping</button></td>
    <td>${peer.direction || '—'}</td>
  </tr>`
}

const VERDICTS = {
  public: 'public (dialable from the internet)',
  nat: 'behind NAT (reached through relays)',
  unknown: 'unknown',
}

/** GetInfo.public_network's verdict, with what it is based on. */
function Reachability({ status }) {
  const verdict = status?.reachability || 'unknown'
  return html`<strong data-verdict=${verdict}>${VERDICTS[verdict] ?? verdict}</strong>
    ${status?.reachabilityReason ? html` <span class="muted">(${status.reachabilityReason})</span>` : null}`
}

function relayAddresses(status) {
  const addresses = status?.relayAddresses ?? []
  if (addresses.length === 0) return null
  return html`<dt>Through relays</dt><dd>${addresses.map((a) => html`<code class="addr">${a}</code> `)}</dd>`
}

function relayService(status) {
  const relays = status?.relays ?? []
  const held = relays.length > 0 ? `reservations on ${relays.length} relay(s)` : 'no relay reservations'
  const offered = status?.relayService
    ? `relay service on (${status.relayedPeers ?? 0} peer(s) relayed)`
    : 'relay service off'
  return `${held} · ${offered}`
}

function globalNetwork(status) {
  if (!status?.joined) return 'not joined (network.join_public is off)'
  const found = status.rendezvousFound
    ? `${status.rendezvousPeers ?? 0} moltmesh daemon(s) found through the rendezvous`
    : 'no moltmesh daemon found through the rendezvous yet'
  return `joined · ${status.publicBootstrapConnected ?? 0} public bootstrap peer(s) · ${found}`
}

function uptime(ms) {
  const s = Math.floor(Number(ms ?? 0) / 1000)
  if (s < 120) return `${s} s`
  if (s < 7200) return `${Math.floor(s / 60)} min`
  return `${Math.floor(s / 3600)} h`
}
