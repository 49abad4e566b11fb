// Card files are checked strictly before publishing: unknown keys and bad values are errors that name
// the field path; the accepted spellings (camelCase, snake_case, inline schemas, visibility words) work.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseCard, readCardFile } from '../../../cli/card-file.ts'
import { types } from '../../../clients/ts/index.ts'

const dir = mkdtempSync(join(tmpdir(), 'mm-card-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('card files', () => {
  it('accepts snake_case and camelCase, inline schemas, visibility words and numeric prices', () => {
    const card = parseCard({
      name: 'Swift Falcon',
      skills: [
        { id: 'text-generation', price: 3, input_schema: { type: 'object' }, tags: ['english'] },
        { id: 'embedding', visibility: 'whitelist', allowedDids: ['did:key:z6Mkabc'] },
        { id: 'x', visibility: 'VISIBILITY_PRIVATE', outputSchemaJson: '{"type":"string"}' },
      ],
    })
    expect(card.name).toBe('Swift Falcon')
    expect(card.skills[0]).toMatchObject({
      price: '3',
      inputSchemaJson: '{"type":"object"}',
      tags: ['english'],
    })
    expect(card.skills[1]).toMatchObject({
      visibility: types.Visibility.VISIBILITY_WHITELIST,
      allowedDids: ['did:key:z6Mkabc'],
    })
    expect(card.skills[2]).toMatchObject({
      visibility: types.Visibility.VISIBILITY_PRIVATE,
      outputSchemaJson: '{"type":"string"}',
    })
  })

  it('an unknown key is an error naming it, with the likely spelling', () => {
    expect(() => parseCard({ name: 'n', skils: [{ id: 'a' }] })).toThrow(
      'skils: unknown key (did you mean "skills"?)',
    )
    expect(() => parseCard({ skills: [{ id: 'a' }, { id: 'b', prise: '1' }] })).toThrow(
      'skills[1].prise: unknown key (did you mean "price"?)',
    )
    expect(() => parseCard({ skills: [{ id: 'a', colour: 'red' }] })).toThrow(
      /skills\[0\]\.colour: unknown key \(known: id, name, description, tags, input_schema/,
    )
  })

  it('bad values name the field path', () => {
    expect(() => parseCard({ skills: [{ id: 'a', visibility: 'secret' }] })).toThrow(
      'skills[0].visibility: "secret" is not one of public|whitelist|private',
    )
    expect(() => parseCard({ skills: [{ id: 'a', tags: 'english' }] })).toThrow(
      'skills[0].tags: must be an array of strings',
    )
    expect(() => parseCard({ skills: [{ id: 'a', input_schema: '{"type":' }] })).toThrow(
      'skills[0].input_schema: is not valid JSON',
    )
    expect(() => parseCard({ skills: [{ id: 'a', input_schema: [1] }] })).toThrow(
      'skills[0].input_schema: must be a JSON Schema object',
    )
    expect(() => parseCard({ skills: [{ name: 'no id' }] })).toThrow('skills[0].id: every skill needs an id')
    expect(() => parseCard({ skills: { id: 'a' } })).toThrow('skills: must be an array of skills')
    expect(() => parseCard({ name: 5 })).toThrow('name: must be a string, not a number')
    expect(() => parseCard([])).toThrow('the card: must be a JSON object, not an array')
  })

  it('the output of `card show --json` can be published again (daemon-set fields are ignored)', () => {
    const card = parseCard({
      did: 'did:key:z6Mkabc',
      name: 'n',
      skills: [],
      addresses: ['/ip4/127.0.0.1/tcp/1'],
      sequence: '12',
      publishedAtMs: '1',
      expiresAtMs: '2',
      signature: 'x',
      claimedName: 'swift',
      protocols: [],
    })
    expect(card).toMatchObject({ name: 'n', did: '', addresses: [] })
  })

  it('errors from a file start with its name', () => {
    const file = join(dir, 'card.json')
    writeFileSync(file, JSON.stringify({ skils: [] }))
    expect(() => readCardFile(file)).toThrow(`card file ${file}: skils: unknown key`)
    writeFileSync(file, '{ nope')
    expect(() => readCardFile(file)).toThrow(`card file ${file} is not valid JSON`)
  })
})
