// Inbox: received messages grouped by thread (newest thread first), unread first-class, live on
// message events; acknowledge (marks read) and reply in the thread.

import { useState } from 'preact/hooks'
import { rpc } from '../api.js'
import { Badge, Did, Empty, ErrorBox, enumName, html, Loading, PartView, Time, useQuery } from '../kit.js'
import { MessageForm } from './agents.js'

export function Inbox() {
  const [unreadOnly, setUnreadOnly] = useState(false)
  const [error, setError] = useState(undefined)
  const inbox = useQuery(() => rpc('A2ANode/GetInbox', { unreadOnly, pageSize: 200 }), [unreadOnly], {
    live: ['message'],
  })
  const messages = inbox.data?.messages ?? []
  const threads = new Map()
  for (const m of messages) {
    const key = m.threadId || m.contextId || m.id
    if (!threads.has(key)) threads.set(key, [])
    threads.get(key).push(m)
  }
  const ordered = [...threads.entries()]
    .map(([key, list]) => [key, list.sort((a, b) => Number(a.createdAtMs) - Number(b.createdAtMs))])
    .sort((a, b) => Number(b[1].at(-1).createdAtMs) - Number(a[1].at(-1).createdAtMs))
  const ack = (ids) => rpc('A2ANode/AckMessage', { ids }).then(inbox.reload, setError)

  return html`<section>
    <h1>Inbox <span class="count" data-testid="unread-count">${inbox.data?.unreadCount ?? 0} unread</span></h1>
    <label class="toggle"><input type="checkbox" checked=${unreadOnly} onChange=${(e) => setUnreadOnly(e.target.checked)} /> Unread only</label>
    <${ErrorBox} error=${inbox.error ?? error} />
    <${Loading} when=${inbox.loading && inbox.data == null} />
    ${inbox.data != null && messages.length === 0 ? html`<${Empty}>No messages${unreadOnly ? ' unread' : ''}.</${Empty}>` : null}
    ${ordered.map(
      ([key, list]) => html`<article class="thread" aria-label=${`Thread ${key}`}>
        <h2 class="thread-title">Thread <code>${key.slice(0, 16)}</code> <span class="muted">${list.length} message(s)</span></h2>
        ${list.map(
          (
            m,
          ) => html`<div class=${`message ${enumName(m.status) === 'UNREAD' ? 'unread' : ''}`} data-message-id=${m.id}>
            <div class="meta">From <${Did} did=${m.from} /> · <${Time} ms=${m.createdAtMs} /> · <${Badge} value=${m.status} />
              ${enumName(m.status) === 'UNREAD' ? html`<button type="button" onClick=${() => ack([m.id])}>Acknowledge</button>` : null}</div>
            ${(m.parts ?? []).map((p) => html`<${PartView} part=${p} />`)}
          </div>`,
        )}
        <details><summary>Reply</summary>
          <${MessageForm} to=${list.at(-1).from} threadId=${list.at(-1).threadId} replyTo=${list.at(-1).id} label="Reply" onSent=${inbox.reload} />
        </details>
      </article>`,
    )}
  </section>`
}
