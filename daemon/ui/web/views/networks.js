// Networks and topics: the networks this agent knows (members, leave, invite), invitations to join,
// topics it is subscribed to, and broadcasts as they arrive. Invitations are not bus events: polled.

import { useState } from 'preact/hooks'
import { rpc } from '../api.js'
import { Did, Empty, ErrorBox, html, Time, useQuery } from '../kit.js'
import { useEvents } from '../live.js'

function decode(base64) {
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(base64 ?? ''), (c) => c.charCodeAt(0)))
  } catch {
    return ''
  }
}

export function Networks() {
  const [error, setError] = useState(undefined)
  const [broadcasts, setBroadcasts] = useState([])
  const data = useQuery(
    async () => {
      const [{ networks = [] }, { topics = [] }, { invitations = [] }] = await Promise.all([
        rpc('Ext/ListNetworks'),
        rpc('Ext/ListTopics'),
        rpc('Ext/ListInvitations'),
      ])
      const members = await Promise.all(
        networks.map((n) =>
          rpc('Ext/ListNetworkMembers', { networkId: n.id }).catch(() => ({ members: [] })),
        ),
      )
      return {
        networks: networks.map((n, i) => ({ ...n, members: members[i].members ?? [] })),
        topics,
        invitations,
      }
    },
    [],
    { live: ['network.member'], pollMs: 10_000 },
  )
  useEvents(['network.broadcast', 'topic.message'], (e) =>
    setBroadcasts((list) => [{ ...e }, ...list].slice(0, 50)),
  )
  const invite = (networkId) => (e) => {
    e.preventDefault()
    const did = new FormData(e.target).get('did')
    rpc('Ext/InviteToNetwork', { networkId, did }).then(() => e.target.reset(), setError)
  }
  return html`<section>
    <h1>Networks and topics</h1>
    <${ErrorBox} error=${data.error ?? error} />
    ${data.data != null && data.data.networks.length === 0 ? html`<${Empty}>Not in any network.</${Empty}>` : null}
    ${(data.data?.networks ?? []).map(
      (n) => html`<article class="network" aria-label=${`Network ${n.name}`}>
        <h2>${n.name} <code class="muted">${n.id}</code></h2>
        <p>${n.description} · ${n.memberCount} members ${n.admin ? '· you are admin' : ''}</p>
        <ul>${n.members.map((m) => html`<li><${Did} did=${m.did} /> ${m.name} <span class="muted">${m.role}</span></li>`)}</ul>
        ${n.joined ? html`<button type="button" class="danger" onClick=${() => rpc('Ext/LeaveNetwork', { networkId: n.id }).then(data.reload, setError)}>Leave</button>` : null}
        ${n.admin ? html`<form class="inline" onSubmit=${invite(n.id)}><label>Invite DID <input name="did" required /></label><button type="submit">Invite</button></form>` : null}
      </article>`,
    )}
    <h2>Invitations</h2>
    ${(data.data?.invitations ?? []).length === 0 ? html`<${Empty}>No pending invitations.</${Empty}>` : null}
    <ul>${(data.data?.invitations ?? []).map(
      (
        inv,
      ) => html`<li>${inv.networkName} <code class="muted">${inv.networkId}</code> from <${Did} did=${inv.inviter} />
        <button type="button" onClick=${() => rpc('Ext/JoinNetwork', { networkId: inv.networkId, invitation: inv }).then(data.reload, setError)}>Join</button></li>`,
    )}</ul>
    <h2>Topics</h2>
    ${(data.data?.topics ?? []).length === 0 ? html`<${Empty}>No topic subscriptions.</${Empty}>` : null}
    <ul>${(data.data?.topics ?? []).map((t) => html`<li><code>${t.topic}</code> · ${t.peerCount} peers</li>`)}</ul>
    <h2>Live broadcasts</h2>
    ${broadcasts.length === 0 ? html`<${Empty}>Nothing received since this page opened.</${Empty}>` : null}
    <ul>${broadcasts.map(
      (e) =>
        html`<li><${Time} ms=${e.createdAtMs} /> <code>${e.broadcast?.topic}</code> from <${Did} did=${e.broadcast?.from} />: ${decode(e.broadcast?.payload)}</li>`,
    )}</ul>
  </section>`
}
