// moltmesh card show|publish
import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { a2a, types } from '../../clients/ts/index.ts'
import { action, withClient } from '../context.ts'
import { intOption } from '../int-option.ts'
import { printCard } from '../output/card-format.ts'
import { printMessage } from '../output/proto-json.ts'

const VISIBILITY_WORDS: Record<string, string> = {
  public: 'VISIBILITY_PUBLIC',
  whitelist: 'VISIBILITY_WHITELIST',
  private: 'VISIBILITY_PRIVATE',
}

/**
 * Reads a card file: proto3 JSON of AgentCard (camelCase or snake_case field names); a skill's
 * visibility may also be written "public", "whitelist" or "private".
 */
export function readCardFile(path: string): types.AgentCard {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new Error(
      `cannot read card file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    )
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new Error(`card file ${path} is not valid JSON: ${(err as Error).message}`)
  }
  if (json == null || typeof json !== 'object' || Array.isArray(json))
    throw new Error(`card file ${path} must hold a JSON object (name, description, skills)`)
  const skills = (json as { skills?: unknown }).skills
  if (Array.isArray(skills)) {
    for (const s of skills) {
      if (s == null || typeof s !== 'object') continue
      if (typeof s.visibility === 'string')
        s.visibility = VISIBILITY_WORDS[s.visibility.toLowerCase()] ?? s.visibility
      // A schema may be written inline as a JSON object instead of JSON text.
      for (const [plain, camel, field] of [
        ['input_schema', 'inputSchema', 'inputSchemaJson'],
        ['output_schema', 'outputSchema', 'outputSchemaJson'],
      ] as const) {
        const inline = s[plain] ?? s[camel] ?? s[field] ?? s[`${plain}_json`]
        if (inline != null) s[field] = typeof inline === 'string' ? inline : JSON.stringify(inline)
      }
    }
  }
  return types.AgentCard.fromJSON(json)
}

export function registerCardCommands(program: Command): void {
  const card = program.command('card').description('agent cards: show (any agent) and publish (this agent)')

  card
    .command('show')
    .description("show a verified agent card (this agent's when no DID or name is given)")
    .argument('[did-or-name]', 'DID or claimed name', '')
    .option('--timeout <ms>', 'DHT lookup timeout in milliseconds (default from config)', intOption(1), 0)
    .action(
      action(async (target: string, opts: { timeout: number }, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.a2a.getAgentCard({ did: target, timeoutMs: opts.timeout })
          if (json) return printMessage(a2a.GetAgentCardResponse, res)
          const self = (await client.a2a.getIdentity({})).did
          if (res.card != null) printCard(res.card, self)
        }),
      ),
    )

  card
    .command('publish')
    .description('sign and publish this agent card (from --file, else from moltbook.toml)')
    .option('--file <card.json>', 'card content: name, description, skills (proto JSON)')
    .option(
      '--ttl <ms>',
      'card lifetime in milliseconds (default from config; republished at half)',
      intOption(1_000),
      0,
    )
    .action(
      action(async (opts: { file?: string; ttl: number }, cmd: Command) => {
        // Read the file before contacting the daemon: a bad file is the user's to fix either way.
        const content = opts.file != null ? readCardFile(opts.file) : undefined
        await withClient(cmd, async (client, { json }) => {
          const res = await client.a2a.publishAgentCard({ card: content, ttlMs: opts.ttl })
          if (json) return printMessage(a2a.PublishAgentCardResponse, res)
          if (res.card != null) printCard(res.card, res.card.did)
        })
      }),
    )
}
