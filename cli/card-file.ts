// Reading a card file (`card publish --file`): the proto3 JSON of AgentCard, written with camelCase or
// snake_case names, a skill's visibility as a word, and schemas inline as JSON objects. Checked strictly
// before anything is sent: an unknown key (`skils`) or a wrong value is an error naming its path
// (`skills[0].visibility: "secret" is not one of public|whitelist|private`), never a card published
// without what the file meant to say. The daemon checks the rest (skill ids, prices, that each schema
// compiles) and names the field the same way.
import { readFileSync } from 'node:fs'
import { types } from '../clients/ts/index.ts'

const VISIBILITY_WORDS: Record<string, types.Visibility> = {
  public: types.Visibility.VISIBILITY_PUBLIC,
  whitelist: types.Visibility.VISIBILITY_WHITELIST,
  private: types.Visibility.VISIBILITY_PRIVATE,
}

type Kind = 'string' | 'strings' | 'schema' | 'visibility' | 'price' | 'skills' | 'ignored'

// Keys by their snake_case spelling. Fields that the daemon sets itself (did, addresses, sequence, …)
// are accepted, so the output of `card show --json` can be published again, and ignored.
const CARD_KEYS: Record<string, [field: string, kind: Kind]> = {
  name: ['name', 'string'],
  description: ['description', 'string'],
  skills: ['skills', 'skills'],
  did: ['did', 'ignored'],
  addresses: ['addresses', 'ignored'],
  protocols: ['protocols', 'ignored'],
  sequence: ['sequence', 'ignored'],
  published_at_ms: ['publishedAtMs', 'ignored'],
  expires_at_ms: ['expiresAtMs', 'ignored'],
  signature: ['signature', 'ignored'],
  claimed_name: ['claimedName', 'ignored'],
}

const SKILL_KEYS: Record<string, [field: string, kind: Kind]> = {
  id: ['id', 'string'],
  name: ['name', 'string'],
  description: ['description', 'string'],
  tags: ['tags', 'strings'],
  input_schema: ['inputSchemaJson', 'schema'],
  input_schema_json: ['inputSchemaJson', 'schema'],
  output_schema: ['outputSchemaJson', 'schema'],
  output_schema_json: ['outputSchemaJson', 'schema'],
  price: ['price', 'price'],
  visibility: ['visibility', 'visibility'],
  allowed_dids: ['allowedDids', 'strings'],
}

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

/** Edit distance, for "did you mean" on a misspelt key. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] as number
      row[j] = Math.min(cur + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = cur
    }
  }
  return row[b.length] as number
}

function unknownKey(path: string, key: string, known: string[]): Error {
  const near = known.find((k) => distance(snake(key), k) <= 2)
  const hint = near != null ? ` (did you mean "${near}"?)` : ` (known: ${known.join(', ')})`
  return new Error(`${path}${path === '' ? '' : '.'}${key}: unknown key${hint}`)
}

const describe = (v: unknown) => (Array.isArray(v) ? 'an array' : v === null ? 'null' : `a ${typeof v}`)

function convert(value: unknown, kind: Kind, path: string): unknown {
  switch (kind) {
    case 'string':
      if (typeof value !== 'string') throw new Error(`${path}: must be a string, not ${describe(value)}`)
      return value
    case 'strings':
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
        throw new Error(`${path}: must be an array of strings`)
      return value
    case 'price':
      // A number is accepted as written ("price": 3); the daemon checks the decimal format.
      if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return String(value)
      if (typeof value !== 'string') throw new Error(`${path}: must be a decimal amount such as "0.5"`)
      return value
    case 'visibility': {
      const word = typeof value === 'string' ? value.toLowerCase().replace(/^visibility_/, '') : ''
      const v = VISIBILITY_WORDS[word]
      if (v == null)
        throw new Error(
          `${path}: ${JSON.stringify(value)} is not one of ${Object.keys(VISIBILITY_WORDS).join('|')}`,
        )
      return v
    }
    case 'schema': {
      // Inline JSON object, or JSON text of one.
      let schema = value
      if (typeof value === 'string') {
        if (value.trim() === '') return ''
        try {
          schema = JSON.parse(value)
        } catch {
          throw new Error(`${path}: is not valid JSON`)
        }
      }
      if (schema == null || typeof schema !== 'object' || Array.isArray(schema))
        throw new Error(`${path}: must be a JSON Schema object`)
      return JSON.stringify(schema)
    }
    default:
      return value
  }
}

function object(value: unknown, path: string): Record<string, unknown> {
  if (value == null || typeof value !== 'object' || Array.isArray(value))
    throw new Error(`${path}: must be a JSON object, not ${describe(value)}`)
  return value as Record<string, unknown>
}

function readSkill(value: unknown, path: string): types.Skill {
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(object(value, path))) {
    const entry = SKILL_KEYS[snake(key)]
    if (entry == null) throw unknownKey(path, key, Object.keys(SKILL_KEYS))
    const [field, kind] = entry
    if (field in out) throw new Error(`${path}.${key}: given twice (as ${snake(key)} and another spelling)`)
    out[field] = convert(v, kind, `${path}.${key}`)
  }
  if (typeof out.id !== 'string' || out.id === '') throw new Error(`${path}.id: every skill needs an id`)
  return types.Skill.fromPartial(out as Partial<types.Skill>)
}

/** Checks parsed card JSON and converts it to an AgentCard. */
export function parseCard(json: unknown): types.AgentCard {
  const card: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(object(json, 'the card'))) {
    const entry = CARD_KEYS[snake(key)]
    if (entry == null) throw unknownKey('', key, ['name', 'description', 'skills'])
    const [field, kind] = entry
    if (kind === 'ignored') continue
    if (kind === 'skills') {
      if (!Array.isArray(v)) throw new Error(`${key}: must be an array of skills`)
      card[field] = v.map((s, i) => readSkill(s, `${key}[${i}]`))
    } else card[field] = convert(v, kind, key)
  }
  return types.AgentCard.fromPartial(card as Partial<types.AgentCard>)
}

/** Reads and checks a card file; errors start with the file name. */
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
  try {
    return parseCard(json)
  } catch (err) {
    throw new Error(`card file ${path}: ${(err as Error).message}`)
  }
}
