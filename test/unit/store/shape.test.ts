import { describe, expect, it } from 'vitest'
import {
  array,
  bool,
  dict,
  either,
  nullable,
  num,
  object,
  oneOf,
  optional,
  type Shape,
  str,
} from '../../../daemon/store/shape.ts'

interface Item {
  id: string
  n: number
  ok: boolean
  kind: 'a' | 'b'
  tags: string[]
  meta: Record<string, string>
  note?: string
  parent: { id: string } | null
}

const item: Shape<Item> = object<Item>({
  id: str,
  n: num,
  ok: bool,
  kind: oneOf('a', 'b'),
  tags: array(str),
  meta: dict(str),
  note: optional(str),
  parent: nullable(object<{ id: string }>({ id: str })),
})

const good: Item = { id: 'x', n: 1, ok: true, kind: 'a', tags: ['t'], meta: { k: 'v' }, parent: null }

describe('shapes', () => {
  it('accepts a value of the type, with or without optional fields, and keeps unknown fields', () => {
    expect(item.is(good)).toBe(true)
    expect(item.is({ ...good, note: 'n', parent: { id: 'p' } })).toBe(true)
    expect(item.is({ ...good, addedLater: 1 })).toBe(true)
  })

  it('refuses wrong types, missing fields and values outside an enum, saying where', () => {
    const cases: Array<[unknown, string]> = [
      [null, 'expected an object, got null'],
      [[good], 'expected an object, got array'],
      [{ ...good, id: 3 }, 'id: expected a string, got number'],
      [{ ...good, n: undefined }, 'n: expected a number, got undefined'],
      [{ ...good, n: '1' }, 'n: expected a number, got "1"'],
      [{ ...good, ok: 'yes' }, 'ok: expected a boolean'],
      [{ ...good, kind: 'c' }, 'kind: expected one of "a", "b", got "c"'],
      [{ ...good, tags: ['t', 2] }, 'tags: [1]: expected a string, got number'],
      [{ ...good, meta: { k: 1 } }, 'meta: k: expected a string, got number'],
      [{ ...good, note: null }, 'note: expected a string, got null'],
      [{ ...good, parent: { id: 1 } }, 'parent: id: expected a string, got number'],
    ]
    for (const [value, why] of cases) {
      expect(item.is(value)).toBe(false)
      expect(item.why(value)).toContain(why)
    }
  })

  it('checks numeric enums and unions', () => {
    const state = oneOf(0, 1, 2)
    expect(state.is(2)).toBe(true)
    expect(state.is(3)).toBe(false)
    expect(state.is('2')).toBe(false)
    const entry = either(object<{ in: number }>({ in: num }), object<{ out: string }>({ out: str }))
    expect(entry.is({ in: 3 })).toBe(true)
    expect(entry.is({ out: 'm' })).toBe(true)
    expect(entry.is({ in: 'm' })).toBe(false)
    expect(num.is(Number.NaN)).toBe(false)
  })

  it('does not compile when a field of the type has no shape or the wrong one', () => {
    // @ts-expect-error: `note` (an optional field) is missing
    object<Item>({
      id: str,
      n: num,
      ok: bool,
      kind: oneOf('a', 'b'),
      tags: array(str),
      meta: dict(str),
      parent: nullable(object<{ id: string }>({ id: str })),
    })
    // @ts-expect-error: `n` is a number, not a string
    object<{ n: number }>({ n: str })
    // @ts-expect-error: a required field cannot be checked with an optional shape
    object<{ n: number }>({ n: optional(num) })
    // @ts-expect-error: `kind` allows more than the type does
    object<{ kind: 'a' }>({ kind: oneOf('a', 'b') })
  })
})
