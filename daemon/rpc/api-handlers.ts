// The complete handler maps of the three public services, assembled from one adapter per subsystem.
// mergeHandlers checks, at compile time and again at start-up, that each service's parts are disjoint
// and cover every RPC of its generated definition, so a new RPC without a handler, or two adapters
// answering the same RPC, does not build. Also the lists the gRPC server, the standard services and
// the web workspace's JSON bridge take, so the daemon's assembly names no generated module.

import * as a2aMessages from '../../clients/ts/gen/moltmesh/v1/a2a.ts'
import { A2ANodeService } from '../../clients/ts/gen/moltmesh/v1/a2a.ts'
import * as diagMessages from '../../clients/ts/gen/moltmesh/v1/diag.ts'
import {
  DiagService as DiagDefinition,
  type OpenUiRequest,
  type OpenUiResponse,
} from '../../clients/ts/gen/moltmesh/v1/diag.ts'
import * as extMessages from '../../clients/ts/gen/moltmesh/v1/ext.ts'
import { ExtService } from '../../clients/ts/gen/moltmesh/v1/ext.ts'
import type { ArtifactsService } from '../artifacts/artifacts-service.ts'
import type { DiagService } from '../diag/diag-service.ts'
import type { EventBus } from '../events/event-bus.ts'
import type { MessagingService } from '../messaging/messaging-service.ts'
import type { NamesService } from '../names/names-service.ts'
import type { NetworksService } from '../networks/networks-service.ts'
import type { OrderedThreadsService } from '../ordered-threads/ordered-threads-service.ts'
import type { PubsubService } from '../pubsub/pubsub-service.ts'
import type { TasksService } from '../tasks/tasks.ts'
import type { BridgedService } from '../ui/rpc-bridge.ts'
import type { WebhooksService } from '../webhooks/webhooks.ts'
import { type A2AAdapterComponents, a2aAdapter } from './a2a-adapter.ts'
import { artifactsAdapter } from './artifacts-adapter.ts'
import { type CardsAdapterDeps, cardsAdapter } from './cards-adapter.ts'
import { diagAdapter } from './diag-adapter.ts'
import { eventsAdapter } from './events-adapter.ts'
import type { ServiceRegistration } from './grpc-server.ts'
import { type LedgerAdapterDeps, ledgerAdapter } from './ledger-adapter.ts'
import { mergeHandlers } from './merge-handlers.ts'
import { messagingAdapter } from './messaging-adapter.ts'
import { namesAdapter } from './names-adapter.ts'
import { networksAdapter } from './networks-adapter.ts'
import { orderedThreadListing, orderedThreadsAdapter } from './ordered-threads-adapter.ts'
import { pubsubAdapter } from './pubsub-adapter.ts'
import { buildServiceHandlers, type HandlerOptions } from './service-handlers.ts'
import type { ServiceImpl } from './service-types.ts'
import { type ServeSkills, tasksAdapter } from './tasks-adapter.ts'
import { webhooksAdapter } from './webhooks-adapter.ts'

/** What the adapters convert to and from: the subsystems' services and a few lookups. */
export interface ApiHandlerComponents {
  selfDid: string
  node: A2AAdapterComponents
  messaging: MessagingService
  names: NamesService
  artifacts: ArtifactsService
  tasks: TasksService
  /** Offers skills on the local card while a worker serves them. */
  serveSkills: ServeSkills
  ledger: Omit<LedgerAdapterDeps, 'tasks'>
  cards: Omit<CardsAdapterDeps, 'selfDid'>
  diag: DiagService
  /** The web workspace (daemon/ui), opened by Diag.OpenUi. */
  openUi: (request: OpenUiRequest) => Promise<OpenUiResponse>
  events: EventBus
  webhooks: WebhooksService
  pubsub: PubsubService
  networks: NetworksService
  orderedThreads: OrderedThreadsService
  /** A DID or a claimed name -> DID. */
  resolveTarget: (value: string) => Promise<string>
}

export interface ApiHandlers {
  a2a: ServiceImpl<typeof A2ANodeService>
  diag: ServiceImpl<typeof DiagDefinition>
  ext: ServiceImpl<typeof ExtService>
}

export function createApiHandlers(c: ApiHandlerComponents): ApiHandlers {
  return {
    a2a: mergeHandlers('A2ANode', A2ANodeService, {
      node: a2aAdapter(c.node),
      messaging: messagingAdapter(c.messaging, orderedThreadListing(c.orderedThreads, c.resolveTarget)),
      names: namesAdapter(c.names),
      artifacts: artifactsAdapter(c.artifacts, c.selfDid),
      tasks: tasksAdapter(c.tasks, c.serveSkills),
      ledger: ledgerAdapter({ ...c.ledger, tasks: c.tasks }),
      cards: cardsAdapter({ ...c.cards, selfDid: c.selfDid }),
    }),
    diag: mergeHandlers('Diag', DiagDefinition, {
      diag: diagAdapter(c.diag),
      ui: { openUi: (request: OpenUiRequest) => c.openUi(request) },
    }),
    ext: mergeHandlers('Ext', ExtService, {
      events: eventsAdapter(c.events),
      webhooks: webhooksAdapter(c.webhooks),
      pubsub: pubsubAdapter(c.pubsub),
      networks: networksAdapter(c.networks, c.selfDid),
      orderedThreads: orderedThreadsAdapter(c.orderedThreads),
    }),
  }
}

/** The generated definitions of the public services (for the standard Health and reflection services). */
export const API_DEFINITIONS = [A2ANodeService, DiagDefinition, ExtService]

/** The services as the web workspace's JSON bridge sees them: the same handler objects as gRPC. */
export function bridgedServices(h: ApiHandlers): BridgedService[] {
  return [
    { name: 'A2ANode', definition: A2ANodeService, messages: a2aMessages, impl: h.a2a },
    { name: 'Diag', definition: DiagDefinition, messages: diagMessages, impl: h.diag },
    { name: 'Ext', definition: ExtService, messages: extMessages, impl: h.ext },
  ]
}

/** The services for the gRPC server; `options` per listener (the TCP listener's check the token). */
export function grpcServices(
  h: ApiHandlers,
  options: (authToken: string | undefined) => HandlerOptions,
): ServiceRegistration[] {
  return [
    { definition: A2ANodeService, handlers: (t) => buildServiceHandlers(A2ANodeService, h.a2a, options(t)) },
    { definition: DiagDefinition, handlers: (t) => buildServiceHandlers(DiagDefinition, h.diag, options(t)) },
    { definition: ExtService, handlers: (t) => buildServiceHandlers(ExtService, h.ext, options(t)) },
  ]
}
