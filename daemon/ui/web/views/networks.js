// Networks and topics: create a network, join one (by invitation, or an open one by id), its members
// (invite, remove when admin), leave, broadcast to it; topics this daemon is subscribed to, publish to
// a topic, watch one while the page is open; broadcasts and topic messages as they arrive.

import { useEffect, useState } from 'preact/hooks'
import { rpc, stream } from '../api.js'
import { Did, Empty, ErrorBox, html, Time, useQuery, useSelfDid } from '../kit.js'
import { useEvents } from '../live.js'

function decode(base64) {
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(base64 ?? ''), (c) => c.charCodeAt(0)))
  } catch {
    return ''
  }
}

/** Text to the base64 that proto3 JSON uses for bytes. */
function encode(text) {
  let binary = ''
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte)
  return btoa(binary)
}

/**
 * Runs `call` with the form's fields; on success resets the form, shows `done` in a status line and
 * calls `after` (reload what the action changed).
 */
function useFormAction(onError, after) {
  const [status, setStatus] = useState('')
  const submit = (call, done) => (e) => {
    e.preventDefault()
    const form = e.currentTarget
    const fields = Object.fromEntries(new FormData(form))
    setStatus('')
    onError(undefined)
    call(fields).then(
      (result) => {
        form.reset()
        setStatus(done(result, fields))
        after()
      },
      (err) => onError(err),
    )
  }
  return { status, submit }
}

export function Networks() {
  const [error, setError] = useState(undefined)
  const [broadcasts, setBroadcasts] = useState([])
  const self = useSelfDid()
  const data = useQuery(
    async () => {
      const [{ networks = [] }, { topics = [] }] = await Promise.all([
        rpc('Ext/ListNetworks'),
        rpc('Ext/ListTopics'),
      ])
      const members = await Promise.all(
        networks.map((n) =>
          n.joined
            ? rpc('Ext/ListNetworkMembers', { networkId: n.id }).catch(() => ({ members: [] }))
            : { members: [] },
        ),
      )
      return {
        networks: networks.map((n, i) => ({ ...n, members: members[i].members ?? [] })),
        topics,
      }
    },
    [],
    { live: ['network.member_joined', 'network.member_left'], pollMs: 10_000 },
  )
  // An invitation arrives as a network frame, which raises no bus event: asked for every 2 s.
  const invitations = useQuery(() => rpc('Ext/ListInvitations'), [], { pollMs: 2_000 })
  useEvents(['network.broadcast', 'topic.message'], (e) =>
    setBroadcasts((list) => [{ ...e }, ...list].slice(0, 50)),
  )
  const action = useFormAction(setError, () => {
    data.reload()
    invitations.reload()
  })
  const networks = data.data?.networks ?? []
  const names = new Map(networks.map((n) => [n.id, n.name]))
  const call = (method, request) =>
    rpc(method, request).then(() => {
      data.reload()
      invitations.reload()
    }, setError)

  return html`<section>
    <h1>Networks and topics</h1>
    <${ErrorBox} error=${data.error ?? invitations.error ?? error} />
    ${action.status ? html`<p class="notice" role="status">${action.status}</p>` : null}

    <details class="panel-form">
      <summary>Create a network</summary>
      <form class="inline" aria-label="Create a network" onSubmit=${action.submit(
        (f) =>
          rpc('Ext/CreateNetwork', {
            name: f.name,
            description: f.description,
            policy: f.policy,
          }),
        (r) => `Created network ${r.network?.name} (${r.network?.id}).`,
      )}>
        <label>Name <input name="name" required maxlength="64" /></label>
        <label>Description <input name="description" /></label>
        <label>Who may join <select name="policy">
          <option value="NETWORK_POLICY_INVITE_ONLY">invited agents</option>
          <option value="NETWORK_POLICY_OPEN">anyone with the id</option>
        </select></label>
        <button type="submit">Create network</button>
      </form>
    </details>
    <details class="panel-form">
      <summary>Join an open network by id</summary>
      <form class="inline" aria-label="Join a network by id" onSubmit=${action.submit(
        (f) => rpc('Ext/JoinNetwork', { networkId: f.networkId.trim() }),
        (r) => `Joined ${r.network?.name}.`,
      )}>
        <label>Network id <input name="networkId" required placeholder="net_…" /></label>
        <button type="submit">Join</button>
      </form>
    </details>

    <h2>Networks</h2>
    ${data.data != null && networks.length === 0 ? html`<${Empty}>Not in any network. Create one, or join with an invitation.</${Empty}>` : null}
    ${networks.map(
      (n) => html`<article class="network" aria-label=${`Network ${n.name}`} data-network-id=${n.id}>
        <h3>${n.name} <code class="muted">${n.id}</code></h3>
        <p>${n.description ? `${n.description} · ` : ''}${n.memberCount} member(s) · ${n.policy === 'NETWORK_POLICY_OPEN' ? 'open' : 'invitation only'}${n.admin ? ' · you are admin' : ''}</p>
        <ul aria-label="Members">${n.members.map(
          (m) => html`<li><${Did} did=${m.did} /> ${m.name} <span class="muted">${m.role}</span>
            ${
              n.admin && m.did !== self
                ? html` <button type="button" class="danger" aria-label=${`Remove ${m.name || m.did} from ${n.name}`} onClick=${() => call('Ext/RemoveMember', { networkId: n.id, did: m.did })}>Remove</button>`
                : null
            }</li>`,
        )}</ul>
        ${
          n.joined
            ? html`<form class="inline" aria-label=${`Broadcast to ${n.name}`} onSubmit=${action.submit(
                (f) => rpc('Ext/BroadcastNetwork', { networkId: n.id, payload: encode(f.text) }),
                (r) => `Broadcast sent to ${n.name} (${r.recipients ?? 0} member(s) online).`,
              )}>
              <label>Broadcast <input name="text" required /></label>
              <button type="submit">Broadcast</button>
            </form>`
            : null
        }
        ${
          n.admin
            ? html`<form class="inline" aria-label=${`Invite to ${n.name}`} onSubmit=${action.submit(
                (f) => rpc('Ext/InviteToNetwork', { networkId: n.id, did: f.did.trim() }),
                (_r, f) => `Invitation sent to ${f.did}.`,
              )}><label>Invite DID or name <input name="did" required /></label><button type="submit">Invite</button></form>`
            : null
        }
        ${n.joined ? html`<button type="button" class="danger" onClick=${() => call('Ext/LeaveNetwork', { networkId: n.id })}>Leave ${n.name}</button>` : null}
      </article>`,
    )}

    <h2>Invitations</h2>
    ${invitations.data != null && (invitations.data.invitations ?? []).length === 0 ? html`<${Empty}>No pending invitations.</${Empty}>` : null}
    <ul aria-label="Invitations">${(invitations.data?.invitations ?? []).map(
      (
        inv,
      ) => html`<li>${inv.networkName} <code class="muted">${inv.networkId}</code> from <${Did} did=${inv.inviter} />
        <button type="button" onClick=${() => call('Ext/JoinNetwork', { networkId: inv.networkId, invitation: inv })}>Join</button></li>`,
    )}</ul>

    <h2>Topics</h2>
    ${(data.data?.topics ?? []).length === 0 ? html`<${Empty}>No topic subscriptions.</${Empty}>` : null}
    <ul>${(data.data?.topics ?? []).map((t) => html`<li><code>${t.topic}</code> · ${t.peerCount} peer(s) · ${t.localSubscribers} local subscriber(s)</li>`)}</ul>
    <form class="inline" aria-label="Publish to a topic" onSubmit=${action.submit(
      (f) => rpc('Ext/Publish', { topic: f.topic.trim(), payload: encode(f.text) }),
      (r, f) => `Published on ${f.topic} to ${r.recipients ?? 0} peer(s).`,
    )}>
      <label>Topic <input name="topic" required /></label>
      <label>Message <input name="text" required /></label>
      <button type="submit">Publish</button>
    </form>
    <${WatchTopic} onError=${setError} />

    <h2>Live broadcasts</h2>
    ${broadcasts.length === 0 ? html`<${Empty}>Nothing received since this page opened.</${Empty}>` : null}
    <ul class="broadcasts" aria-live="polite" aria-label="Live broadcasts">${broadcasts.map(
      (e) =>
        html`<li><${Time} ms=${e.createdAtMs} /> <code>${names.get(e.networkId) ?? e.broadcast?.topic}</code> from <${Did} did=${e.broadcast?.from} />: <span class="payload">${decode(e.broadcast?.payload)}</span></li>`,
    )}</ul>
  </section>`
}

/**
 * Subscribes to a topic for as long as this view is open (SubscribeTopic as an event stream): a
 * topic subscription lives as long as a stream asks for it. Its messages show in Live broadcasts; the
 * topic list shows it at its next refresh (every 10 s).
 */
function WatchTopic({ onError }) {
  const [topic, setTopic] = useState('')
  const [watching, setWatching] = useState('')
  useEffect(() => {
    if (!watching) return
    const close = stream(
      'Ext/SubscribeTopic',
      { topic: watching },
      () => undefined, // shown from the event bus's topic.message, like every other topic
      (err) => {
        if (err) onError(err)
        setWatching('')
      },
    )
    return close
  }, [watching])
  return html`<form class="inline" aria-label="Watch a topic" onSubmit=${(e) => {
    e.preventDefault()
    setWatching(topic.trim())
  }}>
    <label>Watch topic <input value=${topic} onInput=${(e) => setTopic(e.target.value)} required /></label>
    <button type="submit">Watch</button>
    ${watching ? html`<span class="muted" role="status">watching <code>${watching}</code> while this page is open</span> <button type="button" onClick=${() => setWatching('')}>Stop</button>` : null}
  </form>`
}
