// Ordered threads in the inbox (docs/threads.md): a log every member reads in the same order, committed
// through Raft among the members' daemons. Here: pending invitations to accept, a form to start one,
// and one thread's view: its Raft status (role, leader, term, commit index, members), its committed
// entries (ReadThread, a linearizable read), an append form that answers with the committed index, and
// a check of this member's copy (VerifyThread) with its export as a download.
// Live on thread.entry.committed; invitations arrive on messaging's channel with no event: polled.

import { useState } from 'preact/hooks'
import { rpc } from '../api.js'
import { Did, Empty, ErrorBox, html, Loading, PartView, Time, useQuery } from '../kit.js'

/** Entries read per "Show more" (ReadThread's default page). */
const ENTRY_PAGE = 100
const INVITATION_POLL_MS = 5_000

export const isOrderedThreadId = (id) => /^othr_[0-9a-f]{32}$/.test(id)

/** Invitations to ordered threads, each with Accept; hidden when there are none. */
export function ThreadInvitations({ onAccepted }) {
  const [error, setError] = useState(undefined)
  const list = useQuery(() => rpc('Ext/ListThreadInvitations', {}), [], { pollMs: INVITATION_POLL_MS })
  const invitations = list.data?.invitations ?? []
  if (invitations.length === 0 && list.error == null) return null
  const accept = (threadId) =>
    rpc('Ext/AcceptThreadInvitation', { threadId }).then(() => {
      list.reload()
      onAccepted?.(threadId)
    }, setError)
  return html`<section class="invitations" aria-label="Thread invitations">
    <h2>Invitations to ordered threads</h2>
    <${ErrorBox} error=${list.error ?? error} />
    <ul>
      ${invitations.map(
        (i) => html`<li data-thread-id=${i.threadId}>
          <strong>${i.title || i.threadId}</strong> from <${Did} did=${i.inviter} />
          · ${(i.genesisVoters ?? []).length} members${i.addedLater ? ' (you were added later)' : ''} · <${Time} ms=${i.receivedAtMs} />
          <button type="button" onClick=${() => accept(i.threadId)}>Accept ${i.title || i.threadId}</button>
        </li>`,
      )}
    </ul>
  </section>`
}

/** Starts an ordered thread with these members (DIDs or names; this agent is added). */
export function CreateOrderedThreadForm({ onCreated }) {
  const [members, setMembers] = useState('')
  const [title, setTitle] = useState('')
  const [error, setError] = useState(undefined)
  const [busy, setBusy] = useState(false)
  const submit = async (e) => {
    e.preventDefault()
    setError(undefined)
    setBusy(true)
    try {
      const list = members
        .split(/[\s,]+/)
        .map((m) => m.trim())
        .filter(Boolean)
      const res = await rpc('Ext/CreateOrderedThread', { members: list, title })
      setMembers('')
      setTitle('')
      onCreated?.(res.thread.id)
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  return html`<details class="create-ordered">
    <summary>New ordered thread</summary>
    <form class="inline" aria-label="New ordered thread" onSubmit=${submit}>
      <label>Members <input required value=${members} onInput=${(e) => setMembers(e.target.value)} placeholder="DIDs or names, comma separated" /></label>
      <label>Title <input value=${title} maxlength="200" onInput=${(e) => setTitle(e.target.value)} /></label>
      <button type="submit" disabled=${busy}>Create</button>
      <${ErrorBox} error=${error} />
    </form>
  </details>`
}

export function OrderedThreadView({ threadId }) {
  const [pages, setPages] = useState(1)
  const status = useQuery(() => rpc('Ext/GetThreadStatus', { threadId }), [threadId], {
    live: ['thread'],
    pollMs: 5_000,
  })
  // All pages shown so far are read again on each commit: entries never change once committed, so
  // this only adds the new ones at the end.
  const log = useQuery(
    async () => {
      const entries = []
      let readIndex = 0
      for (let i = 0; i < pages; i++) {
        const after = entries.at(-1)?.index ?? 0
        const page = await rpc('Ext/ReadThread', { threadId, afterIndex: after, limit: ENTRY_PAGE })
        entries.push(...(page.entries ?? []))
        readIndex = Number(page.readIndex ?? 0)
        if ((page.entries ?? []).length < ENTRY_PAGE) break
      }
      return { entries, readIndex, more: entries.length === pages * ENTRY_PAGE }
    },
    [threadId, pages],
    { live: ['thread'] },
  )
  const s = status.data
  const entries = (log.data?.entries ?? []).filter((e) => e.kind !== 'noop')
  return html`<article class="thread ordered" aria-label="Ordered thread" data-thread-id=${threadId}>
    <h2>${s?.thread?.title || 'Ordered thread'} <code>${threadId}</code></h2>
    <${ErrorBox} error=${status.error} />
    ${
      s &&
      html`<dl class="fields" aria-label="Thread status">
        <dt>Role here</dt><dd data-testid="thread-role">${s.role}</dd>
        <dt>Leader</dt><dd>${s.leader ? html`<${Did} did=${s.leader} />` : html`<span class="muted">none known (no majority reachable?)</span>`}</dd>
        <dt>Term</dt><dd>${s.term ?? 0}</dd>
        <dt>Committed</dt><dd data-testid="thread-commit">${s.commitIndex ?? 0}</dd>
        <dt>Members</dt><dd><ul class="members">${(s.members ?? []).map(
          (m) =>
            html`<li><${Did} did=${m.did} /> ${m.voter ? '' : html`<span class="muted">(learner)</span>`} ${s.role === 'leader' ? html`<span class="muted">has ${m.matchIndex ?? 0}</span>` : null}</li>`,
        )}</ul></dd>
      </dl>`
    }
    <${ErrorBox} error=${log.error} />
    <${Loading} when=${log.loading && log.data == null} />
    ${log.data != null && entries.length === 0 ? html`<${Empty}>No entries yet. Every member sees what is appended here, in the same order.</${Empty}>` : null}
    <ol class="entries" aria-label="Entries">
      ${entries.map((e) => html`<li><${EntryItem} e=${e} /></li>`)}
    </ol>
    ${log.data?.more ? html`<button type="button" onClick=${() => setPages(pages + 1)}>Show more</button>` : null}
    <${AppendForm} threadId=${threadId} />
    <${VerifyPanel} threadId=${threadId} />
  </article>`
}

function EntryItem({ e }) {
  return html`<div class="entry" data-index=${e.index} data-kind=${e.kind}>
    <div class="meta">
      <strong>#${e.index}</strong> · <${Did} did=${e.proposer} /> · term ${e.term}
      · <code title=${`hash ${e.hash}, previous ${e.prevHash}`}>${(e.hash ?? '').slice(0, 12)}</code>
    </div>
    ${e.kind === 'config' ? html`<p class="muted">membership: ${e.change}</p>` : (e.parts ?? []).map((p) => html`<${PartView} part=${p} />`)}
  </div>`
}

/** Appends text (or a JSON document) and shows the index it was committed at. */
function AppendForm({ threadId }) {
  const [text, setText] = useState('')
  const [asJson, setAsJson] = useState(false)
  const [result, setResult] = useState(undefined)
  const [error, setError] = useState(undefined)
  const [busy, setBusy] = useState(false)
  const submit = async (e) => {
    e.preventDefault()
    setError(undefined)
    setResult(undefined)
    setBusy(true)
    try {
      const part = asJson
        ? { dataJson: text, mediaType: 'application/json' }
        : { text, mediaType: 'text/plain' }
      const res = await rpc('Ext/AppendToThread', { threadId, parts: [part] })
      setResult(`committed at #${res.index}`)
      setText('')
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  return html`<form class="message-form" aria-label="Append to the thread" onSubmit=${submit}>
    <label>Entry <textarea rows="2" required value=${text} onInput=${(e) => setText(e.target.value)}></textarea></label>
    <label class="toggle"><input type="checkbox" checked=${asJson} onChange=${(e) => setAsJson(e.target.checked)} /> JSON</label>
    <button type="submit" disabled=${busy}>Append</button>
    ${result ? html`<span class="muted" role="status">${result}</span>` : null}
    <${ErrorBox} error=${error} />
  </form>`
}

/** Checks this member's copy (signatures, membership changes, hash chain) and offers its export. */
function VerifyPanel({ threadId }) {
  const [verdict, setVerdict] = useState(undefined)
  const [error, setError] = useState(undefined)
  const [exported, setExported] = useState(undefined)
  const verify = () =>
    rpc('Ext/VerifyThread', { threadId }).then((v) => {
      setError(undefined)
      setVerdict(v)
    }, setError)
  const exportLog = () =>
    rpc('Ext/ExportThread', { threadId }).then((x) => {
      if (exported) URL.revokeObjectURL(exported)
      setExported(URL.createObjectURL(new Blob([x.jsonl], { type: 'application/jsonl' })))
    }, setError)
  return html`<div class="verify">
    <button type="button" onClick=${verify}>Verify this copy</button>
    <button type="button" onClick=${exportLog}>Export</button>
    ${exported ? html`<a class="button" href=${exported} download=${`${threadId}.jsonl`}>Download ${threadId}.jsonl</a>` : null}
    ${
      verdict &&
      html`<p role="status" data-testid="thread-verdict" data-ok=${String(verdict.ok === true)}>${
        verdict.ok
          ? `Verified: ${verdict.entries ?? 0} entries, every signature and hash link checks out.`
          : `Not valid at #${verdict.badIndex}: ${verdict.reason}`
      }</p>`
    }
    <${ErrorBox} error=${error} />
  </div>`
}
