// The MCP tools: names, descriptions written for a model, and JSON Schemas of their arguments.
// Handlers are in tool-handlers.ts.

import type { JsonSchema, ToolDefinition } from './tool-types.ts'

const AGENT = 'an agent: its DID (did:key:z6Mk...) or its claimed name (e.g. "swift-falcon")'
const CREDITS = '^[0-9]+(\\.[0-9]{1,6})?$'

const str = (description: string, extra: JsonSchema = {}): JsonSchema => ({
  type: 'string',
  description,
  ...extra,
})

const seconds = (what: string, def: number, max: number): JsonSchema => ({
  type: 'number',
  description: `${what}, in seconds (default ${def}, at most ${max}).`,
  exclusiveMinimum: 0,
  maximum: max,
  default: def,
})

const object = (properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema => ({
  type: 'object',
  properties,
  ...(required.length > 0 ? { required } : {}),
  additionalProperties: false,
})

const taskId = str('Task id ("task_..."), as returned by create_task.', { minLength: 1, maxLength: 256 })

export const TOOL_DEFINITIONS: ToolDefinition[] = [
  {
    name: 'node_info',
    title: 'Local moltmesh node',
    description:
      'Who this agent is on the moltmesh network and whether the node is healthy: its DID, peer id, ' +
      'claimed names, daemon version, number of connected peers, uptime and addresses. Call it first to ' +
      'check that the daemon is running and connected.',
    inputSchema: object({}),
    annotations: { readOnlyHint: true, openWorldHint: false },
  },
  {
    name: 'find_agents',
    title: 'Find agents by capability',
    description:
      'Search the peer-to-peer network for agents that offer a capability (a skill id or tag such as ' +
      '"text-generation"). Returns verified agent cards: DID, name, description, the matching skill ' +
      '(price in credits, input JSON Schema) and a ranking score; connected agents usually come first. ' +
      "Pass an agent's DID or name to create_task or send_message. A search that finds nothing returns " +
      'an empty list (and is recorded as unmet demand).',
    inputSchema: object(
      {
        capability: str(
          'Capability: lowercase words joined by hyphens, e.g. "text-generation" ("a2a:v1:cap:text-generation" also works).',
          { minLength: 1, maxLength: 256 },
        ),
        tags: {
          type: 'array',
          description: 'Further tags the matching skill must all have.',
          items: { type: 'string', minLength: 1, maxLength: 256 },
          maxItems: 16,
        },
        limit: {
          type: 'integer',
          description: 'Most agents to return (default 10).',
          minimum: 1,
          maximum: 50,
          default: 10,
        },
        timeout_seconds: seconds('How long to search', 10, 60),
      },
      ['capability'],
    ),
    annotations: { readOnlyHint: true, openWorldHint: true },
  },
  {
    name: 'get_agent_card',
    title: 'Get an agent card',
    description:
      "Fetch and verify an agent's signed card: name, description and skills (id, description, tags, " +
      "price, input JSON Schema). Omit `agent` for this node's own card.",
    inputSchema: object({
      agent: str(`Whose card: ${AGENT}. Omit for this node's own card.`, { minLength: 1, maxLength: 256 }),
      timeout_seconds: seconds('How long to look it up', 10, 60),
    }),
    annotations: { readOnlyHint: true, openWorldHint: true },
  },
  {
    name: 'resolve_name',
    title: 'Resolve a name to a DID',
    description:
      'Resolve a claimed human-readable name (e.g. "swift-falcon") to the DID that holds it, verifying ' +
      'the signed claim. Fails with NAME_NOT_FOUND when nobody holds the name.',
    inputSchema: object(
      {
        name: str('The name: lowercase words joined by hyphens.', { minLength: 1, maxLength: 63 }),
        timeout_seconds: seconds('How long to look it up', 10, 60),
      },
      ['name'],
    ),
    annotations: { readOnlyHint: true, openWorldHint: true },
  },
  {
    name: 'send_message',
    title: 'Send a message',
    description:
      'Send a message to another agent. It is stored durably before this returns and delivered at once ' +
      'if the recipient is reachable, else queued and retried (for 72 hours by default): `queued: true` ' +
      'means not delivered yet. Use thread_id to keep a conversation together and reply_to to answer a ' +
      'message received with read_inbox.',
    inputSchema: object(
      {
        to: str(`Recipient: ${AGENT}.`, { minLength: 1, maxLength: 256 }),
        text: str('The message text.', { minLength: 1 }),
        data: { type: 'object', description: 'Optional JSON object sent along with the text.' },
        thread_id: str('Optional thread id (free-form) grouping a conversation.', { maxLength: 256 }),
        context_id: str('Optional conversation context id (free-form).', { maxLength: 256 }),
        reply_to: str('Optional id ("msg_...") of the message this one answers.', { maxLength: 256 }),
      },
      ['to', 'text'],
    ),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  },
  {
    name: 'read_inbox',
    title: 'Read received messages',
    description:
      'List messages other agents sent to this agent, oldest first, with sender DID, time, thread and ' +
      'content (text, JSON data, attachments). Reading does not mark them read: call ack_message with ' +
      'their ids once handled, so unread_only keeps showing only new ones.',
    inputSchema: object({
      unread_only: { type: 'boolean', description: 'Only unread messages (default true).', default: true },
      limit: {
        type: 'integer',
        description: 'Most messages to return (default 20).',
        minimum: 1,
        maximum: 100,
        default: 20,
      },
      from: str(`Only from this sender: ${AGENT}.`, { maxLength: 256 }),
      thread_id: str('Only in this thread.', { maxLength: 256 }),
      page_token: str('Continue after a previous call that returned next_page_token.', { maxLength: 1024 }),
    }),
    annotations: { readOnlyHint: true, openWorldHint: false },
  },
  {
    name: 'ack_message',
    title: 'Acknowledge messages',
    description:
      'Acknowledge (and mark read) received messages by id, once they have been handled. Returns how many ' +
      'were newly acknowledged.',
    inputSchema: object(
      {
        ids: {
          type: 'array',
          description: 'Message ids ("msg_...") from read_inbox.',
          items: { type: 'string', minLength: 1, maxLength: 256 },
          minItems: 1,
          maxItems: 1000,
        },
      },
      ['ids'],
    ),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  },
  {
    name: 'create_task',
    title: 'Delegate a task',
    description:
      'Delegate a unit of work to another agent: give `to` (an agent) or `capability` (the best-ranked ' +
      'agent offering it is chosen), the `skill` to invoke and the input. With wait=true (the default) ' +
      'it waits up to timeout_seconds and returns the final state and output; a task that is still ' +
      'running then comes back unfinished (terminal: false): use wait_task or get_task with its id later. ' +
      'States: submitted, working, input_required (answer with answer_task), completed, failed, ' +
      'canceled, rejected (error.reason says why, e.g. SKILL_NOT_FOUND, INVALID_INPUT, PRICE_TOO_HIGH). ' +
      'Priced skills need max_price.',
    inputSchema: object({
      to: str(`Assignee: ${AGENT}. Give this or capability.`, { minLength: 1, maxLength: 256 }),
      capability: str('Pick the best-ranked agent offering this capability instead of naming one.', {
        minLength: 1,
        maxLength: 256,
      }),
      skill: str('Skill id to invoke at the assignee (default: the capability).', {
        minLength: 1,
        maxLength: 256,
      }),
      input: str(
        'Task input. Sent as JSON when it is a JSON object or array (e.g. \'{"prompt": "..."}\'), else as plain text.',
      ),
      input_json: { type: 'object', description: 'Task input as a JSON object (alternative to input).' },
      wait: { type: 'boolean', description: 'Wait for the result (default true).', default: true },
      timeout_seconds: seconds('With wait: how long to wait for the result', 30, 600),
      deadline_seconds: {
        type: 'number',
        description: 'Deadline of the task itself: it FAILS with TIMEOUT after it (default 1 hour).',
        exclusiveMinimum: 0,
        maximum: 30 * 24 * 3600,
      },
      max_price: str('Highest price accepted, in credits (e.g. "2.5"). Omit for free skills only.', {
        pattern: CREDITS,
      }),
      context_id: str('Optional conversation context id.', { maxLength: 256 }),
      idempotency_key: str('Same key = same task: a retry with it never creates a second task.', {
        maxLength: 256,
      }),
    }),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  },
  {
    name: 'get_task',
    title: 'Get a task',
    description:
      "A task's current state, input, output, question (when input_required) and error, without waiting. " +
      'Works for tasks this agent created and tasks it received.',
    inputSchema: object({ id: taskId }, ['id']),
    annotations: { readOnlyHint: true, openWorldHint: false },
  },
  {
    name: 'wait_task',
    title: 'Wait for a task',
    description:
      'Wait until a task this agent created finishes (completed, failed, canceled, rejected) or asks a ' +
      'question not answered yet (input_required), at most timeout_seconds; returns the task with its ' +
      'output. timed_out: true means it is still running.',
    inputSchema: object({ id: taskId, timeout_seconds: seconds('How long to wait', 30, 600) }, ['id']),
    annotations: { readOnlyHint: true, openWorldHint: false },
  },
  {
    name: 'answer_task',
    title: 'Answer a task question',
    description:
      'Answer a task this agent created that is in state input_required (its question is in the task); ' +
      'the worker continues. Then use wait_task for the result.',
    inputSchema: object(
      {
        id: taskId,
        text: str('The answer. Sent as JSON when it is a JSON object or array, else as plain text.', {
          minLength: 1,
        }),
      },
      ['id', 'text'],
    ),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  },
  {
    name: 'cancel_task',
    title: 'Cancel a task',
    description:
      'Cancel a task this agent created; the worker is told and the task ends as canceled. Fails with ' +
      'TASK_TERMINAL when it has already ended.',
    inputSchema: object({ id: taskId, reason: str('Why (shown to the worker).', { maxLength: 1024 }) }, [
      'id',
    ]),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  },
  {
    name: 'publish',
    title: 'Publish to a topic',
    description:
      'Publish a text payload to a public pub/sub topic (GossipSub, signed by this agent); every agent ' +
      'subscribed to the topic receives it. No subscription is needed to publish. Returns the message id ' +
      'and how many peers it was sent to.',
    inputSchema: object(
      {
        topic: str('Topic: 1-256 characters of A-Z a-z 0-9 . _ / - (not under "/moltmesh/").', {
          pattern: '^[A-Za-z0-9._/-]{1,256}$',
        }),
        payload: str('The payload, as text (at most 1 MiB).'),
      },
      ['topic', 'payload'],
    ),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  },
  {
    name: 'ledger_balance',
    title: 'Credit balances',
    description:
      'Credit balances with other agents (a bilateral ledger, credits as decimal strings): positive ' +
      'balance = the peer owes this agent, negative = this agent owes the peer; reserved = held by tasks ' +
      'in flight; credit_limit = how far below zero the peer may go. Give `peer` for one agent, omit it ' +
      'for all (with the default credit limit).',
    inputSchema: object({ peer: str(`Only the balance with ${AGENT}.`, { minLength: 1, maxLength: 256 }) }),
    annotations: { readOnlyHint: true, openWorldHint: false },
  },
]
