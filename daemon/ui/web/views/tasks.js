// Tasks: both roles, filtered by role, state, peer and skill, a page of 50 at a time (the daemon
// pages, so the page never holds more). A task's view follows its event stream live: timeline, output,
// artifacts (download, preview), cancel, and an answer form when it asks for input.

import { useEffect, useState } from 'preact/hooks'
import { rpc, stream } from '../api.js'
import { Badge, Did, Empty, ErrorBox, enumName, html, Loading, PartView, Time, useQuery } from '../kit.js'

const PAGE_SIZE = 50
const STATES = [
  'SUBMITTED',
  'WORKING',
  'INPUT_REQUIRED',
  'AUTH_REQUIRED',
  'COMPLETED',
  'FAILED',
  'CANCELED',
  'REJECTED',
]
const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELED', 'REJECTED'])

export function Tasks({ arg }) {
  return html`<section class=${arg ? 'split' : ''}>
    <div><h1>Tasks</h1><${TaskList} selected=${arg} /></div>
    ${arg ? html`<${TaskDetail} id=${arg} key=${arg} />` : null}
  </section>`
}

function TaskList({ selected }) {
  const [filters, setFilters] = useState({ role: '', state: '', peer: '', skill: '' })
  const [pages, setPages] = useState([''])
  const pageToken = pages[pages.length - 1]
  const list = useQuery(
    () =>
      rpc('A2ANode/ListTasks', {
        role: filters.role ? `TASK_ROLE_${filters.role}` : 'TASK_ROLE_UNSPECIFIED',
        states: filters.state ? [`TASK_STATE_${filters.state}`] : [],
        peer: filters.peer.trim(),
        skill: filters.skill.trim(),
        pageSize: PAGE_SIZE,
        pageToken,
      }),
    [JSON.stringify(filters), pageToken],
    { live: ['task'] },
  )
  const set = (k) => (e) => {
    setFilters({ ...filters, [k]: e.target.value })
    setPages([''])
  }
  const tasks = list.data?.tasks ?? []
  return html`<form class="inline filters" onSubmit=${(e) => e.preventDefault()} aria-label="Task filters">
      <label>Role <select value=${filters.role} onChange=${set('role')}><option value="">any</option><option value="REQUESTER">requester</option><option value="ASSIGNEE">assignee</option></select></label>
      <label>State <select value=${filters.state} onChange=${set('state')}><option value="">any</option>${STATES.map((s) => html`<option value=${s}>${s}</option>`)}</select></label>
      <label>Peer <input value=${filters.peer} onChange=${set('peer')} placeholder="DID or name" /></label>
      <label>Skill <input value=${filters.skill} onChange=${set('skill')} /></label>
    </form>
    <${ErrorBox} error=${list.error} />
    <${Loading} when=${list.loading && list.data == null} />
    ${list.data != null && tasks.length === 0 ? html`<${Empty}>No tasks match.</${Empty}>` : null}
    ${
      tasks.length > 0 &&
      html`<table class="tasks">
        <thead><tr><th scope="col">Task</th><th scope="col">Skill</th><th scope="col">State</th><th scope="col">Role</th><th scope="col">Peer</th><th scope="col">Updated</th></tr></thead>
        <tbody>${tasks.map(
          (t) => html`<tr aria-selected=${t.id === selected}>
            <td><a href=${`#/tasks/${encodeURIComponent(t.id)}`}><code title=${t.id}>…${t.id.slice(-10)}</code></a></td>
            <td>${t.skill}</td><td><${Badge} value=${t.state} /></td><td>${enumName(t.role).toLowerCase()}</td>
            <td><${Did} did=${enumName(t.role) === 'REQUESTER' ? t.assignee : t.requester} /></td>
            <td><${Time} ms=${t.updatedAtMs} /></td>
          </tr>`,
        )}</tbody></table>`
    }
    <div class="pager">
      <button type="button" disabled=${pages.length === 1} onClick=${() => setPages(pages.slice(0, -1))}>Previous</button>
      <span class="muted">page ${pages.length}</span>
      <button type="button" disabled=${!list.data?.nextPageToken} onClick=${() => setPages([...pages, list.data.nextPageToken])}>Next</button>
    </div>`
}

function TaskDetail({ id }) {
  const [task, setTask] = useState(undefined)
  const [events, setEvents] = useState([])
  const [error, setError] = useState(undefined)
  useEffect(() => {
    rpc('A2ANode/GetTask', { id }).then((r) => setTask((t) => t ?? r.task), setError)
    return stream(
      'A2ANode/SubscribeTaskEvents',
      { id },
      (item) => {
        const event = item.event ?? item
        setEvents((list) => [...list, event])
        if (event.task) setTask(event.task)
      },
      (err) => err && setError(err),
    )
  }, [id])
  if (task == null)
    return html`<article><${ErrorBox} error=${error} /><${Loading} when=${error == null} /></article>`
  const state = enumName(task.state)
  const artifacts = [...(task.output ?? [])].filter((p) => p.artifact != null)
  return html`<article class="task-detail" aria-label="Task">
    <h2>Task <code>${task.id}</code></h2>
    <p>State: <strong data-testid="task-state" aria-live="polite">${state}</strong> · skill <code>${task.skill}</code>
      ${' · '}requester <${Did} did=${task.requester} /> · assignee <${Did} did=${task.assignee} />
      ${task.price ? html` · price ${task.price}` : null}</p>
    <${ErrorBox} error=${error} />
    ${
      (task.statusMessage ?? []).length > 0 && !TERMINAL.has(state)
        ? html`<div class="status-message" aria-live="polite"><strong>The agent says:</strong> ${task.statusMessage.map((p) => html`<${PartView} part=${p} />`)}</div>`
        : null
    }
    ${task.error?.message ? html`<div class="error">${task.error.code}: ${task.error.message}</div>` : null}
    ${TERMINAL.has(state) ? null : html`<button type="button" class="danger" onClick=${() => rpc('A2ANode/CancelTask', { id, reason: 'canceled in MoltBook' }).catch(setError)}>Cancel task</button>`}
    ${state === 'INPUT_REQUIRED' ? html`<${InputForm} id=${id} onError=${setError} />` : null}
    <h3>Input</h3>
    ${(task.input ?? []).map((p) => html`<${PartView} part=${p} />`)}
    <h3>Output</h3>
    ${(task.output ?? []).length === 0 ? html`<${Empty}>No output yet.</${Empty}>` : null}
    ${(task.output ?? []).filter((p) => p.artifact == null).map((p) => html`<${PartView} part=${p} />`)}
    ${artifacts.length > 0 ? html`<h3>Artifacts</h3>${artifacts.map((p) => html`<${PartView} part=${p} />`)}` : null}
    <h3>Timeline</h3>
    <ol class="timeline">
      ${events.map(
        (
          e,
        ) => html`<li><${Time} ms=${e.createdAtMs} /> <span class="muted">#${e.sequence}</span> ${enumName(e.kind)}
          ${e.task ? html` → <${Badge} value=${e.task.state} />` : null}
          ${e.note ? html` <em>${e.note}</em>` : null}
          ${e.progress ? html` ${Math.round(Number(e.progress) * 100)}%` : null}
          ${(e.parts ?? []).map((p) => html`<${PartView} part=${p} />`)}</li>`,
      )}
    </ol>
  </article>`
}

function InputForm({ id, onError }) {
  const [text, setText] = useState('')
  const submit = (e) => {
    e.preventDefault()
    rpc('A2ANode/SendTaskInput', { id, input: [{ text, mediaType: 'text/plain' }] }).then(
      () => setText(''),
      onError,
    )
  }
  return html`<form class="message-form" onSubmit=${submit}>
    <label>The agent asks for input <textarea required value=${text} onInput=${(e) => setText(e.target.value)}></textarea></label>
    <button type="submit">Answer</button>
  </form>`
}
