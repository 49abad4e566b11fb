// A verified moltmesh agent card as an A2A AgentCard. The 1.0 fields (`supportedInterfaces`) come
// first; `url`, `preferredTransport` and `protocolVersion` are there for 0.3 clients (1.0 clients
// ignore them when `supportedInterfaces` is present).

import type { AgentCard } from '../../clients/ts/gen/moltmesh/v1/types.ts'
import { VERSION } from '../version.ts'

/** The media types every agent takes and answers in (declared as its default modes). */
export const MODES = ['text/plain', 'application/json', 'application/octet-stream']

/**
 * Whether a client's `acceptedOutputModes` lets us answer: an empty list takes anything, else one
 * entry must be one of MODES or a wildcard covering one (`text/\*`, the any-type wildcard).
 */
export function acceptsOurOutput(accepted: unknown): boolean {
  if (!Array.isArray(accepted) || accepted.length === 0) return true
  return accepted.some((m) => {
    if (typeof m !== 'string') return false
    const type = m.split(';')[0]?.trim().toLowerCase() ?? ''
    if (type === '*/*' || MODES.includes(type)) return true
    return type.endsWith('/*') && MODES.some((ours) => ours.startsWith(type.slice(0, -1)))
  })
}

export function toA2aCard(card: AgentCard, url: string, tokensRequired: boolean): Record<string, unknown> {
  const security = tokensRequired
    ? {
        securitySchemes: { bearer: { httpAuthSecurityScheme: { scheme: 'Bearer' } } },
        securityRequirements: [{ schemes: { bearer: { list: [] } } }],
      }
    : {}
  return {
    name: card.claimedName !== '' ? card.claimedName : card.name || card.did,
    description: card.description || `moltmesh agent ${card.did}`,
    version: VERSION,
    supportedInterfaces: [
      { url, protocolBinding: 'JSONRPC', protocolVersion: '1.0' },
      { url, protocolBinding: 'JSONRPC', protocolVersion: '0.3' },
      { url, protocolBinding: 'HTTP+JSON', protocolVersion: '1.0' },
    ],
    capabilities: { streaming: true, pushNotifications: true, extendedAgentCard: false },
    defaultInputModes: MODES,
    defaultOutputModes: MODES,
    skills: card.skills.map((s) => ({
      id: s.id,
      name: s.name || s.id,
      description: s.description || s.id,
      tags: s.tags.length > 0 ? s.tags : [s.id],
      inputModes: s.inputSchemaJson !== '' ? ['application/json'] : MODES,
      outputModes: MODES,
    })),
    ...security,
    metadata: { did: card.did },
    url,
    preferredTransport: 'JSONRPC',
    protocolVersion: '0.3.0',
  }
}
