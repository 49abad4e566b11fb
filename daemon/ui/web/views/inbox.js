// Inbox and threads. Two tabs: Messages (GetInbox: the received messages, paged by the daemon, unread
// only by default, oldest first as the daemon pages them) and Threads (ListThreads: conversations,
// newest activity first, each opened with GetThread, sent and received messages in order). Unread is
// first class: a count for the whole inbox and per thread, acknowledge, mark read / unread. Nothing is
// marked read by merely opening it: an agent's own code may be working through the unread messages,
// and the operator looking must not take them away from it. Live on message events; read state that
// the agent's code changes is polled. Ordered threads (Raft-replicated logs, ordered-thread.js) are
// listed with the others and open in their own view.

import { useState } from 'preact/hooks'
import { rpc } from '../api.js'
import {
  Badge,
  Did,
  Empty,
  ErrorBox,
  enumName,
  html,
  Loading,
  Pager,
  PartView,
  Time,
  usePages,
  useQuery,
  useSelfDid,
} from '../kit.js'
import { MessageForm } from './agents.js'
import {
  CreateOrderedThreadForm,
  isOrderedThreadId,
  OrderedThreadView,
  ThreadInvitations,
} from './ordered-thread.js'

const PAGE_SIZE = 50
/** Unread messages fetched to count them per thread (the daemon's page limit). */
const UNREAD_SCAN = 1000
const SINCE = [
  ['', 'any time'],
  ['3600000', 'last hour'],
  ['86400000', 'last day'],
  ['604800000', 'last week'],
]

/**
 * Read / acknowledged changes made by the agent's own code (through the SDK) raise no event: the
 * lists showing read state are asked again this often.
 */
const READ_POLL_MS = 10_000

const threadHref = (threadId) => `#/inbox/threads/${encodeURIComponent(threadId)}`
const openThread = (threadId) => {
  location.hash = threadHref(threadId)
}

export function Inbox({ arg }) {
  const tab = arg === 'threads' || arg.startsWith('threads/') ? 'threads' : 'messages'
  const threadId = arg.startsWith('threads/') ? arg.slice('threads/'.length) : ''
  // Marking read emits no daemon event: every list reloads when this changes.
  const [version, setVersion] = useState(0)
  const changed = () => setVersion((v) => v + 1)
  const unread = useQuery(
    () => rpc('A2ANode/GetInbox', { unreadOnly: true, pageSize: UNREAD_SCAN }),
    [version],
    { live: ['message.received'], pollMs: READ_POLL_MS },
  )
  const unreadByThread = new Map()
  for (const m of unread.data?.messages ?? []) {
    if (m.threadId) unreadByThread.set(m.threadId, (unreadByThread.get(m.threadId) ?? 0) + 1)
  }
  const tabLink = (name, href, label) =>
    html`<a href=${href} aria-current=${tab === name ? 'page' : undefined}>${label}</a>`
  return html`<section>
    <h1>Inbox <span class="count" data-testid="unread-count" aria-live="polite">${unread.data?.unreadCount ?? 0} unread</span></h1>
    <nav class="tabs" aria-label="Inbox">
      ${tabLink('messages', '#/inbox', 'Messages')} ${tabLink('threads', '#/inbox/threads', 'Threads')}
    </nav>
    <${ErrorBox} error=${unread.error} />
    ${
      tab === 'messages'
        ? html`<${Messages} version=${version} onChanged=${changed} />`
        : html`<div class=${threadId ? 'split' : ''}>
          <div>
            <${ThreadInvitations} onAccepted=${openThread} />
            <${CreateOrderedThreadForm} onCreated=${openThread} />
            <${ThreadList} selected=${threadId} unreadByThread=${unreadByThread} version=${version} />
          </div>
          ${
            threadId && isOrderedThreadId(threadId)
              ? html`<${OrderedThreadView} key=${threadId} threadId=${threadId} />`
              : threadId
                ? html`<${ThreadView} key=${threadId} threadId=${threadId} version=${version} onChanged=${changed} />`
                : null
          }
        </div>`
    }
  </section>`
}

function Messages({ version, onChanged }) {
  const [filters, setFilters] = useState({ unreadOnly: true, from: '', since: '' })
  const pages = usePages()
  const list = useQuery(
    () =>
      rpc('A2ANode/GetInbox', {
        unreadOnly: filters.unreadOnly,
        from: filters.from.trim(),
        sinceMs: filters.since ? Date.now() - Number(filters.since) : 0,
        pageSize: PAGE_SIZE,
        pageToken: pages.token,
      }),
    [JSON.stringify(filters), pages.token, version],
    { live: ['message.received'], pollMs: READ_POLL_MS },
  )
  const set = (key, value) => {
    setFilters({ ...filters, [key]: value })
    pages.reset()
  }
  const messages = list.data?.messages ?? []
  return html`<div>
    <form class="inline filters" aria-label="Message filters" onSubmit=${(e) => e.preventDefault()}>
      <label class="toggle"><input type="checkbox" checked=${filters.unreadOnly} onChange=${(e) => set('unreadOnly', e.target.checked)} /> Unread only</label>
      <label>From <input value=${filters.from} onChange=${(e) => set('from', e.target.value)} placeholder="DID or name" /></label>
      <label>Received <select value=${filters.since} onChange=${(e) => set('since', e.target.value)}>
        ${SINCE.map(([value, label]) => html`<option value=${value}>${label}</option>`)}
      </select></label>
    </form>
    <p class="muted">Oldest first, ${PAGE_SIZE} a page. Conversations, newest first, are under Threads.</p>
    <${ErrorBox} error=${list.error} />
    <${Loading} when=${list.loading && list.data == null} />
    ${list.data != null && messages.length === 0 ? html`<${Empty}>No messages${filters.unreadOnly ? ' unread' : ''}.</${Empty}>` : null}
    <ul class="messages" aria-label="Messages">
      ${messages.map((m) => html`<li><${MessageItem} m=${m} onChanged=${onChanged} showThread /></li>`)}
    </ul>
    <${Pager} pages=${pages} nextToken=${list.data?.nextPageToken} label="Message pages" />
  </div>`
}

function ThreadList({ selected, unreadByThread, version }) {
  const [peer, setPeer] = useState('')
  const pages = usePages()
  const self = useSelfDid()
  const list = useQuery(
    () => rpc('A2ANode/ListThreads', { peer: peer.trim(), pageSize: PAGE_SIZE, pageToken: pages.token }),
    [peer, pages.token, version],
    { live: ['message', 'thread'] },
  )
  const threads = list.data?.threads ?? []
  return html`<form class="inline filters" aria-label="Thread filters" onSubmit=${(e) => e.preventDefault()}>
      <label>With <input value=${peer} onChange=${(e) => {
        setPeer(e.target.value)
        pages.reset()
      }} placeholder="DID or name" /></label>
    </form>
    <${ErrorBox} error=${list.error} />
    <${Loading} when=${list.loading && list.data == null} />
    ${list.data != null && threads.length === 0 ? html`<${Empty}>No threads${peer ? ' with this agent' : ''}. A thread is a set of messages that carry the same thread id.</${Empty}>` : null}
    ${
      threads.length > 0 &&
      html`<table class="threads">
        <thead><tr><th scope="col">Thread</th><th scope="col">With</th><th scope="col">Messages</th><th scope="col">Unread</th><th scope="col">Last</th></tr></thead>
        <tbody>${threads.map((t) => {
          const unread = unreadByThread.get(t.threadId) ?? 0
          return html`<tr aria-selected=${t.threadId === selected} class=${unread > 0 ? 'unread' : ''} data-thread-id=${t.threadId}>
            <td><a href=${threadHref(t.threadId)}>${t.ordered ? html`<span class="badge">ordered</span> ${t.title ? html`${t.title} ` : null}` : null}<code title=${t.threadId}>${short(t.threadId)}</code></a></td>
            <td>${(t.participants ?? []).filter((p) => p !== self).map((p) => html`<${Did} did=${p} /> `)}</td>
            <td>${t.messageCount}</td>
            <td>${unread > 0 ? html`<strong class="unread-count">${unread >= UNREAD_SCAN ? `${UNREAD_SCAN}+` : unread}</strong>` : html`<span class="muted">0</span>`}</td>
            <td><${Time} ms=${t.lastMessageAtMs} /></td>
          </tr>`
        })}</tbody></table>`
    }
    <${Pager} pages=${pages} nextToken=${list.data?.nextPageToken} label="Thread pages" />`
}

const short = (id) => (id.length > 24 ? `${id.slice(0, 12)}…${id.slice(-8)}` : id)

function ThreadView({ threadId, version, onChanged }) {
  const self = useSelfDid()
  // "Show more" appends the thread's next page; a live reload re-reads all pages shown so far.
  const [pageCount, setPageCount] = useState(1)
  const [error, setError] = useState(undefined)
  const thread = useQuery(
    async () => {
      const messages = []
      let pageToken = ''
      for (let i = 0; i < pageCount; i++) {
        const page = await rpc('A2ANode/GetThread', { threadId, pageSize: PAGE_SIZE, pageToken })
        messages.push(...(page.messages ?? []))
        pageToken = page.nextPageToken ?? ''
        if (!pageToken) break
      }
      return { messages, more: pageToken !== '' }
    },
    [threadId, pageCount, version],
    { live: ['message'], pollMs: READ_POLL_MS },
  )
  const messages = thread.data?.messages ?? []
  const received = messages.filter((m) => m.from !== self)
  const unreadIds = received.filter((m) => enumName(m.status) === 'UNREAD').map((m) => m.id)
  const counterparties = [...new Set(messages.flatMap((m) => [m.from, m.to]))].filter((d) => d && d !== self)
  const lastReceived = received.at(-1)
  const [to, setTo] = useState('')
  const replyTo = to || lastReceived?.from || counterparties[0] || ''
  return html`<article class="thread" aria-label="Thread">
    <h2>Thread <code>${threadId}</code></h2>
    <${ErrorBox} error=${thread.error ?? error} />
    <${Loading} when=${thread.loading && thread.data == null} />
    ${
      unreadIds.length > 0
        ? html`<button type="button" onClick=${() => rpc('A2ANode/MarkRead', { ids: unreadIds }).then(onChanged, setError)}>Mark thread read (${unreadIds.length})</button>`
        : null
    }
    <ol class="messages" aria-label="Messages in the thread">
      ${messages.map((m) => html`<li><${MessageItem} m=${m} self=${self} onChanged=${onChanged} /></li>`)}
    </ol>
    ${thread.data?.more ? html`<button type="button" onClick=${() => setPageCount(pageCount + 1)}>Show more</button>` : null}
    ${
      replyTo
        ? html`<h3>Reply in this thread</h3>
        ${
          counterparties.length > 1
            ? html`<label>To <select value=${replyTo} onChange=${(e) => setTo(e.target.value)}>
              ${counterparties.map((d) => html`<option value=${d}>${d}</option>`)}
            </select></label>`
            : html`<p>To <${Did} did=${replyTo} /></p>`
        }
        <${MessageForm} to=${replyTo} threadId=${threadId} replyTo=${lastReceived?.id ?? ''} label="Reply" onSent=${onChanged} />`
        : null
    }
  </article>`
}

/**
 * One message: who, when, state, content; for a received one, acknowledge and mark read / unread. In
 * the Messages tab (`showThread`) it can be answered from here (in its thread, if it has one).
 */
function MessageItem({ m, self, onChanged, showThread = false }) {
  const [error, setError] = useState(undefined)
  const status = enumName(m.status)
  const sent = self != null && self !== '' && m.from === self
  const act = (method, request) => rpc(method, request).then(onChanged, setError)
  return html`<div class=${`message ${status === 'UNREAD' ? 'unread' : ''}`} data-message-id=${m.id} data-status=${status}>
    <div class="meta">
      ${sent ? html`To <${Did} did=${m.to} />` : html`From <${Did} did=${m.from} />`}${' · '}<${Time} ms=${m.deliveredAtMs || m.createdAtMs} />${' · '}<${Badge} value=${m.status} />
      ${showThread && m.threadId ? html` · <a href=${threadHref(m.threadId)}>thread <code>${short(m.threadId)}</code></a>` : null}
      ${
        status === 'UNREAD'
          ? html` <button type="button" onClick=${() => act('A2ANode/AckMessage', { ids: [m.id] })}>Acknowledge</button>
            <button type="button" onClick=${() => act('A2ANode/MarkRead', { ids: [m.id] })}>Mark read</button>`
          : null
      }
      ${status === 'READ' ? html` <button type="button" onClick=${() => act('A2ANode/MarkRead', { ids: [m.id], unread: true })}>Mark unread</button>` : null}
    </div>
    ${(m.parts ?? []).map((p) => html`<${PartView} part=${p} />`)}
    ${
      showThread && !sent
        ? html`<details><summary>Reply</summary>
          <${MessageForm} to=${m.from} threadId=${m.threadId} replyTo=${m.id} label="Send reply" onSent=${onChanged} />
        </details>`
        : null
    }
    <${ErrorBox} error=${error} />
  </div>`
}
