// Small shared pieces: the html tag, a data hook that reloads on daemon events, and display helpers.

import htm from 'htm'
import { h } from 'preact'
import { useCallback, useEffect, useRef, useState } from 'preact/hooks'
import { rpc } from './api.js'
import { useEvents } from './live.js'

export const html = htm.bind(h)

/**
 * Loads with `load()` now, whenever `deps` change, and whenever a daemon event matching `live`
 * arrives (or every `pollMs` for state the event bus does not report).
 */
export function useQuery(load, deps, { live = [], pollMs = 0 } = {}) {
  const [state, setState] = useState({ data: undefined, error: undefined, loading: true })
  // Only the latest load may set the state. Reloads come from deps changes, live events and the poll;
  // an older one (say page 1, asked by an event just before "Next") can answer after a newer one
  // (page 2) and would otherwise overwrite it.
  const latest = useRef(0)
  const reload = useCallback(() => {
    const id = ++latest.current
    load().then(
      (data) => id === latest.current && setState({ data, error: undefined, loading: false }),
      (error) => id === latest.current && setState((s) => ({ data: s.data, error, loading: false })),
    )
  }, deps)
  useEffect(() => {
    reload()
    // Unmounted or deps changed: whatever is still in flight is stale.
    return () => {
      latest.current++
    }
  }, [reload])
  useEffect(() => {
    if (pollMs <= 0) return
    const t = setInterval(reload, pollMs)
    return () => clearInterval(t)
  }, [reload, pollMs])
  useEvents(live, () => reload())
  return { ...state, reload }
}

/**
 * Paging over a daemon page token: keeps the tokens of the pages seen so far, so "Previous" goes back
 * without the daemon having to page backwards. `reset()` returns to the first page (filters changed).
 */
export function usePages() {
  const [tokens, setTokens] = useState([''])
  return {
    token: tokens[tokens.length - 1],
    number: tokens.length,
    next: (token) => token && setTokens([...tokens, token]),
    previous: () => setTokens(tokens.length > 1 ? tokens.slice(0, -1) : tokens),
    reset: () => setTokens(['']),
  }
}

/** Previous / page n / Next, for a list paged by the daemon. */
export function Pager({ pages, nextToken, label }) {
  return html`<div class="pager" role="group" aria-label=${label}>
    <button type="button" disabled=${pages.number === 1} onClick=${pages.previous}>Previous</button>
    <span class="muted">page ${pages.number}</span>
    <button type="button" disabled=${!nextToken} onClick=${() => pages.next(nextToken)}>Next</button>
  </div>`
}

let identity
/** The local agent's DID (GetIdentity, asked once per page load). */
export function useSelfDid() {
  const [did, setDid] = useState(identity?.did ?? '')
  useEffect(() => {
    if (identity != null) return
    rpc('A2ANode/GetIdentity').then(
      (r) => {
        identity = r
        setDid(r.did)
      },
      () => undefined,
    )
  }, [])
  return did
}

export function ErrorBox({ error }) {
  if (error == null) return null
  return html`<div class="error" role="alert"><strong>${error.reason ?? 'Error'}</strong> ${error.message}</div>`
}

export function Empty({ children }) {
  return html`<p class="empty">${children}</p>`
}

export function Loading({ when }) {
  return when ? html`<p class="muted" aria-live="polite">Loading…</p>` : null
}

export const shortDid = (did) =>
  did && did.length > 24 ? `${did.slice(0, 14)}…${did.slice(-6)}` : did || '—'

export function Did({ did }) {
  return html`<code class="did" title=${did}>${shortDid(did)}</code>`
}

export function Time({ ms }) {
  const n = Number(ms ?? 0)
  if (!n) return html`<span class="muted">—</span>`
  const d = new Date(n)
  return html`<time datetime=${d.toISOString()} title=${d.toISOString()}>${d.toLocaleTimeString()}</time>`
}

/** "TASK_STATE_COMPLETED" -> "COMPLETED". */
export const enumName = (value) =>
  String(value ?? '').replace(/^(?:TASK_EVENT_KIND|TASK_STATE|TASK_ROLE|MESSAGE_STATUS|VISIBILITY)_/, '')

export function Badge({ value }) {
  const name = enumName(value)
  return html`<span class="badge badge-${name.toLowerCase()}" data-state=${name}>${name}</span>`
}

/** A part of a message or task: text, JSON data, raw bytes or an artifact. */
export function PartView({ part }) {
  if (part.text != null) return html`<pre class="part">${part.text}</pre>`
  if (part.dataJson != null) return html`<pre class="part">${prettyJson(part.dataJson)}</pre>`
  if (part.artifact != null) return html`<${ArtifactView} artifact=${part.artifact} />`
  if (part.raw != null)
    return html`<span class="muted">${part.mediaType || 'bytes'} (${part.raw.length} base64 chars)</span>`
  return null
}

function prettyJson(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2)
  } catch {
    return text
  }
}

export function ArtifactView({ artifact }) {
  const url = `/api/blob/${encodeURIComponent(artifact.cid)}?name=${encodeURIComponent(artifact.name || artifact.cid)}`
  const type = artifact.mediaType ?? ''
  const [preview, setPreview] = useState(undefined)
  const small = Number(artifact.size ?? 0) <= 64 * 1024
  return html`<div class="artifact">
    <span>${artifact.name || artifact.cid}</span>
    <span class="muted">${type || 'application/octet-stream'}, ${artifact.size ?? 0} bytes</span>
    <a href=${url} download=${artifact.name || artifact.cid} class="button">Download</a>
    ${
      type.startsWith('text/') && small && preview == null
        ? html`<button type="button" onClick=${() =>
            fetch(url)
              .then((r) => r.text())
              .then(setPreview)}>Preview</button>`
        : null
    }
    ${preview != null ? html`<pre class="part preview">${preview}</pre>` : null}
    ${type.startsWith('image/') ? html`<img class="preview" src=${url} alt=${artifact.name || 'artifact image'} />` : null}
  </div>`
}

/** A tiny inline SVG line of counts. */
export function Sparkline({ values, label }) {
  const max = Math.max(1, ...values)
  const w = 120
  const hgt = 28
  const step = values.length > 1 ? w / (values.length - 1) : w
  const points = values.map(
    (v, i) => `${(i * step).toFixed(1)},${(hgt - (v / max) * (hgt - 2) - 1).toFixed(1)}`,
  )
  return html`<svg class="spark" width=${w} height=${hgt} role="img" aria-label=${label}>
    <polyline fill="none" stroke="currentColor" stroke-width="1.5" points=${points.join(' ')} />
  </svg>`
}
