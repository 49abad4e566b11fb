// Webhooks: endpoints (never their secrets), recent deliveries with status, dead letters (deliveries
// that failed for good), redeliver and test. Deliveries are not bus events, so this view polls.

import { useState } from 'preact/hooks'
import { rpc } from '../api.js'
import { Badge, Empty, ErrorBox, html, Time, useQuery } from '../kit.js'

export function Webhooks() {
  const [error, setError] = useState(undefined)
  const [notice, setNotice] = useState('')
  const data = useQuery(
    async () => {
      const { webhooks = [] } = await rpc('Ext/ListWebhooks')
      const deliveries = await Promise.all(
        webhooks.map((w) => rpc('Ext/ListWebhookDeliveries', { webhookId: w.id, pageSize: 20 })),
      )
      return webhooks.map((w, i) => ({ ...w, deliveries: deliveries[i].deliveries ?? [] }))
    },
    [],
    { pollMs: 2_000 },
  )
  const act = (p, what) =>
    p.then(() => {
      setNotice(what)
      data.reload()
    }, setError)
  return html`<section>
    <h1>Webhooks</h1>
    <p class="muted">Create webhooks with <code>moltmesh webhook add</code>: their signing secret is shown there once and never sent to this page.</p>
    <${ErrorBox} error=${data.error ?? error} />
    ${notice ? html`<p role="status" class="notice">${notice}</p>` : null}
    ${data.data != null && data.data.length === 0 ? html`<${Empty}>No webhooks registered.</${Empty}>` : null}
    ${(data.data ?? []).map((w) => {
      const dead = w.deliveries.filter((d) => d.status === 'failed')
      return html`<article class="webhook" aria-label=${`Webhook ${w.url}`}>
        <h2><code>${w.url}</code> ${w.enabled ? '' : html`<span class="badge badge-failed">disabled: ${w.disabledReason}</span>`}</h2>
        <p class="muted">${w.description} · events: ${(w.events ?? []).join(', ') || 'all'}</p>
        <button type="button" onClick=${() => act(rpc('Ext/TestWebhook', { id: w.id }), 'test event queued')}>Send test event</button>
        <h3>Dead letters (${dead.length})</h3>
        ${dead.length === 0 ? html`<${Empty}>None.</${Empty}>` : null}
        <ul>${dead.map(
          (
            d,
          ) => html`<li data-delivery-id=${d.id}>${d.eventType} · ${d.attempts} attempts · ${d.lastStatusCode || ''} ${d.lastError}
            <button type="button" onClick=${() => act(rpc('Ext/RedeliverWebhook', { deliveryId: d.id }), `redelivery of ${d.id} queued`)}>Redeliver</button></li>`,
        )}</ul>
        <h3>Recent deliveries</h3>
        <table><thead><tr><th scope="col">Event</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">HTTP</th><th scope="col">Created</th></tr></thead>
        <tbody>${w.deliveries.map(
          (d) =>
            html`<tr data-delivery-id=${d.id}><td>${d.eventType}</td><td><${Badge} value=${d.status} /></td><td>${d.attempts}</td><td>${d.lastStatusCode || '—'}</td><td><${Time} ms=${d.createdAtMs} /></td></tr>`,
        )}</tbody></table>
      </article>`
    })}
  </section>`
}
