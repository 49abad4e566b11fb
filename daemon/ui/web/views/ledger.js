// Ledger: balance and credit limit per peer, receipts (signed by both sides), settlements, and the
// answer to a settlement proposed to this agent. Live on ledger.* and task.* events.

import { useState } from 'preact/hooks'
import { rpc } from '../api.js'
import { Badge, Did, Empty, ErrorBox, html, Time, useQuery } from '../kit.js'

export function Ledger() {
  const [error, setError] = useState(undefined)
  const data = useQuery(
    async () => {
      const [identity, balances, receipts, settlements, check] = await Promise.all([
        rpc('A2ANode/GetIdentity'),
        rpc('A2ANode/ListBalances'),
        rpc('A2ANode/ListReceipts', { pageSize: 50 }),
        rpc('A2ANode/ListSettlements'),
        rpc('A2ANode/VerifyLedger'),
      ])
      return { me: identity.did, balances, receipts, settlements, check }
    },
    [],
    { live: ['ledger', 'task.completed'] },
  )
  const d = data.data
  const respond = (id, accept) => rpc('A2ANode/RespondSettlement', { id, accept }).then(data.reload, setError)
  return html`<section>
    <h1>Ledger</h1>
    <${ErrorBox} error=${data.error ?? error} />
    ${
      d &&
      html`<p data-testid="ledger-check">Ledger ${d.check.ok ? 'verified' : 'has problems'}: ${d.check.entriesChecked} entries across ${d.check.peersChecked} peers (both signatures of every settled receipt checked)
      ${(d.check.problems ?? []).map((p) => html`<br /><span class="error">${p}</span>`)}</p>
      <h2>Balances <span class="muted">(default credit limit ${d.balances.defaultCreditLimit})</span></h2>
      ${
        (d.balances.balances ?? []).length === 0
          ? html`<${Empty}>No balances yet: they start with the first paid task or settlement.</${Empty}>`
          : html`<table><thead><tr><th scope="col">Peer</th><th scope="col">Balance</th><th scope="col">Reserved</th><th scope="col">Credit limit</th><th scope="col">Done / failed</th></tr></thead>
          <tbody>${d.balances.balances.map(
            (b) =>
              html`<tr><td><${Did} did=${b.peer} /></td><td>${b.balance}</td><td>${b.reserved}</td><td>${b.creditLimit}</td><td>${b.tasksCompleted ?? 0} / ${b.tasksFailed ?? 0}</td></tr>`,
          )}</tbody></table>`
      }
      <h2>Settlements</h2>
      ${(d.settlements.settlements ?? []).length === 0 ? html`<${Empty}>No settlements.</${Empty}>` : null}
      <ul class="settlements">${(d.settlements.settlements ?? []).map(
        (s) => html`<li data-settlement-id=${s.id}>
          <${Badge} value=${s.status} /> ${s.amount} credits from <${Did} did=${s.proposer} /> to <${Did} did=${s.counterparty} />
          ${s.reference ? html` <em>“${s.reference}”</em>` : null} <${Time} ms=${s.createdAtMs} />
          ${
            s.status === 'proposed' && s.counterparty === d.me
              ? html` <button type="button" onClick=${() => respond(s.id, true)}>Accept</button>
                  <button type="button" class="danger" onClick=${() => respond(s.id, false)}>Reject</button>`
              : null
          }</li>`,
      )}</ul>
      <h2>Receipts</h2>
      ${(d.receipts.receipts ?? []).length === 0 ? html`<${Empty}>No receipts yet.</${Empty}>` : null}
      <ul>${(d.receipts.receipts ?? []).map(
        (
          r,
        ) => html`<li><code title=${r.taskId}>…${r.taskId.slice(-10)}</code> ${r.skill} · ${r.price} credits · <${Did} did=${r.requester} /> → <${Did} did=${r.provider} />
          ${' · '}provider ${r.providerSignature ? 'signed' : 'UNSIGNED'} · requester ${r.requesterSignature ? 'signed' : 'UNSIGNED'} · ${r.status}</li>`,
      )}</ul>`
    }
  </section>`
}
