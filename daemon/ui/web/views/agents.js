// Agents: find agents by capability and tags (ranked by the daemon), show one agent's verified card,
// and from it send a message or create a task with a form generated from the skill's input schema.

import { useEffect, useRef, useState } from 'preact/hooks'
import { rpc, stream } from '../api.js'
import { Did, Empty, ErrorBox, enumName, html, Loading, useQuery } from '../kit.js'

export function Agents({ arg }) {
  return html`<section>
    <h1>Agents</h1>
    <${Finder} />
    ${arg ? html`<${CardView} did=${arg} key=${arg} />` : null}
  </section>`
}

function Finder() {
  const [capability, setCapability] = useState('')
  const [tags, setTags] = useState('')
  const [results, setResults] = useState(undefined)
  const [error, setError] = useState(undefined)
  const [searching, setSearching] = useState(false)
  const closeRef = useRef({})
  useEffect(() => () => closeRef.current.close?.(), [])

  const search = (e) => {
    e.preventDefault()
    setResults([])
    setError(undefined)
    setSearching(true)
    const request = {
      capability: capability.trim(),
      tags: tags
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
      limit: 20,
      timeoutMs: 5000,
    }
    closeRef.current.close?.()
    closeRef.current.close = stream(
      'A2ANode/FindAgents',
      request,
      (found) => setResults((r) => [...(r ?? []), found].sort((a, b) => (b.score ?? 0) - (a.score ?? 0))),
      (err) => {
        setSearching(false)
        setError(err)
      },
    )
  }
  return html`<form class="inline" onSubmit=${search} role="search">
      <label>Capability <input name="capability" value=${capability} onInput=${(e) => setCapability(e.target.value)} placeholder="e.g. summarize" /></label>
      <label>Tags <input name="tags" value=${tags} onInput=${(e) => setTags(e.target.value)} placeholder="comma-separated" /></label>
      <button type="submit">Find agents</button>
    </form>
    <${ErrorBox} error=${error} />
    ${searching ? html`<p class="muted" aria-live="polite">Searching the mesh…</p>` : null}
    ${results != null && results.length === 0 && !searching ? html`<${Empty}>No agent offers that.</${Empty}>` : null}
    ${
      results != null && results.length > 0
        ? html`<table class="results">
          <thead><tr><th scope="col">Agent</th><th scope="col">Skill</th><th scope="col">Score</th><th scope="col">Connected</th></tr></thead>
          <tbody>${results.map(
            (r) => html`<tr>
              <td><a href=${`#/agents/${encodeURIComponent(r.card.did)}`} class="agent-link">${r.card.name || r.card.claimedName || 'agent'}</a> <${Did} did=${r.card.did} /></td>
              <td>${r.skill?.id ?? ''}</td>
              <td>${Number(r.score ?? 0).toFixed(2)}</td>
              <td>${r.connected ? 'yes' : 'no'}</td>
            </tr>`,
          )}</tbody></table>`
        : null
    }`
}

function CardView({ did }) {
  const card = useQuery(() => rpc('A2ANode/GetAgentCard', { did, timeoutMs: 5000 }), [did])
  const c = card.data?.card
  return html`<article class="card" aria-label="Agent card">
    <${ErrorBox} error=${card.error} />
    <${Loading} when=${card.loading} />
    ${
      c &&
      html`<h2>${c.name || 'Agent'} ${c.claimedName ? html`<span class="muted">(${c.claimedName})</span>` : null}</h2>
      <p>${c.description}</p>
      <dl class="fields">
        <dt>DID</dt><dd><code class="did-full">${c.did}</code></dd>
        <dt>Signature</dt><dd data-testid="card-verified">Verified by your daemon (sequence ${c.sequence})</dd>
      </dl>
      <h3>Skills</h3>
      ${(c.skills ?? []).length === 0 ? html`<${Empty}>This agent offers no skills.</${Empty}>` : null}
      ${(c.skills ?? []).map((s) => html`<${SkillView} did=${c.did} skill=${s} />`)}
      <h3>Send a message</h3>
      <${MessageForm} to=${c.did} />`
    }
  </article>`
}

function SkillView({ did, skill }) {
  return html`<div class="skill">
    <h4>${skill.name || skill.id} <code>${skill.id}</code> ${skill.price ? html`<span class="price">price ${skill.price}</span>` : null}</h4>
    <p>${skill.description} <span class="muted">${enumName(skill.visibility)}</span></p>
    <${TaskForm} did=${did} skill=${skill} />
  </div>`
}

function parseSchema(text) {
  try {
    const schema = JSON.parse(text || '{}')
    return schema && typeof schema === 'object' ? schema : {}
  } catch {
    return {}
  }
}

/** A form for the skill's input: one field per property of an object schema, else a JSON text box. */
function TaskForm({ did, skill }) {
  const schema = parseSchema(skill.inputSchemaJson)
  const props = schema.type === 'object' && schema.properties ? Object.entries(schema.properties) : undefined
  const required = new Set(schema.required ?? [])
  const [error, setError] = useState(undefined)
  const [busy, setBusy] = useState(false)

  const submit = async (e) => {
    e.preventDefault()
    setError(undefined)
    const form = new FormData(e.target)
    let input
    try {
      if (props == null) input = JSON.parse(String(form.get('__json') || '{}'))
      else {
        input = {}
        for (const [name, p] of props) {
          const raw = form.get(name)
          if (p.type === 'boolean') input[name] = raw === 'on'
          else if (raw === '' || raw == null) continue
          else if (p.type === 'number' || p.type === 'integer') input[name] = Number(raw)
          else if (p.type === 'object' || p.type === 'array') input[name] = JSON.parse(String(raw))
          else input[name] = String(raw)
        }
      }
    } catch (err) {
      setError({ reason: 'INVALID_INPUT', message: err.message })
      return
    }
    setBusy(true)
    try {
      const created = await rpc('A2ANode/CreateTask', {
        to: did,
        skill: skill.id,
        input: [{ dataJson: JSON.stringify(input), mediaType: 'application/json' }],
      })
      location.hash = `#/tasks/${encodeURIComponent(created.task.id)}`
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  const id = (name) => `f-${skill.id}-${name}`
  return html`<form class="task-form" onSubmit=${submit} aria-label=${`Create a ${skill.id} task`}>
    ${
      props == null
        ? html`<label for=${id('__json')}>Input (JSON)</label><textarea id=${id('__json')} name="__json" rows="3">{}</textarea>`
        : props.map(([name, p]) => {
            const label = html`<label for=${id(name)}>${p.title ?? name}${required.has(name) ? ' *' : ''}</label>`
            const common = { id: id(name), name, required: required.has(name), title: p.description }
            if (Array.isArray(p.enum)) {
              return html`${label}<select ...${common}>${p.enum.map((v) => html`<option value=${v}>${v}</option>`)}</select>`
            }
            if (p.type === 'boolean')
              return html`${label}<input type="checkbox" ...${common} required=${false} />`
            if (p.type === 'number' || p.type === 'integer') {
              return html`${label}<input type="number" step=${p.type === 'integer' ? 1 : 'any'} ...${common} />`
            }
            return html`${label}<input type="text" ...${common} />`
          })
    }
    <button type="submit" disabled=${busy}>Create task</button>
    <${ErrorBox} error=${error} />
  </form>`
}

export function MessageForm({ to, threadId, replyTo, onSent, label = 'Send message' }) {
  const [text, setText] = useState('')
  const [status, setStatus] = useState(undefined)
  const [error, setError] = useState(undefined)
  const submit = async (e) => {
    e.preventDefault()
    setError(undefined)
    try {
      const sent = await rpc('A2ANode/SendMessage', {
        to,
        parts: [{ text, mediaType: 'text/plain' }],
        threadId: threadId ?? '',
        replyTo: replyTo ?? '',
      })
      setStatus(`sent (${sent.id ?? sent.message?.id ?? 'queued'})`)
      setText('')
      onSent?.()
    } catch (err) {
      setError(err)
    }
  }
  return html`<form class="message-form" onSubmit=${submit}>
    <label>Message <textarea name="text" rows="2" required value=${text} onInput=${(e) => setText(e.target.value)}></textarea></label>
    <button type="submit">${label}</button>
    ${status ? html`<span class="muted" role="status">${status}</span>` : null}
    <${ErrorBox} error=${error} />
  </form>`
}
