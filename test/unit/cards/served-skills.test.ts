// Skills served by workers: counted per registration, described by the earliest open one, and
// never overriding a declared skill.
import { describe, expect, it } from 'vitest'
import {
  bareSkill,
  checkCardSize,
  checkOfferLimits,
  createServedSkills,
  mergeServed,
} from '../../../daemon/cards/served-skills.ts'

describe('served skills', () => {
  it('keeps a skill while any registration serves it, described by the earliest one', () => {
    const served = createServedSkills()
    const first = served.add([{ ...bareSkill('upper'), price: '2', description: 'first' }])
    const second = served.add([bareSkill('upper'), bareSkill('lower')])
    expect(served.list().map((s) => [s.id, s.price, s.description])).toEqual([
      ['upper', '2', 'first'],
      ['lower', '0', ''],
    ])
    expect(served.workers('upper')).toBe(2)
    first()
    expect(served.list().map((s) => [s.id, s.price])).toEqual([
      ['upper', '0'],
      ['lower', '0'],
    ])
    first() // idempotent
    expect(served.workers('upper')).toBe(1)
    second()
    expect(served.list()).toEqual([])
    expect(served.workers('upper')).toBe(0)
  })

  it('adds only what the declared skills lack, after them', () => {
    const declared = [{ ...bareSkill('review'), price: '5' }]
    const merged = mergeServed(declared, [{ ...bareSkill('review'), price: '0' }, bareSkill('extra')])
    expect(merged.map((s) => [s.id, s.price])).toEqual([
      ['review', '5'],
      ['extra', '0'],
    ])
  })

  it('describes a bare skill as public and free', () => {
    expect(bareSkill('upper')).toMatchObject({
      id: 'upper',
      visibility: 'public',
      price: '0',
      allowedDids: [],
    })
  })
})

describe('offer limits', () => {
  it('refuses what peers would refuse in a card, naming the field', () => {
    expect(() => checkOfferLimits([{ ...bareSkill('a'), description: 'x'.repeat(2049) }])).toThrow(
      'offers[0] (a).description is longer than 2048 characters',
    )
    expect(() =>
      checkOfferLimits([{ ...bareSkill('a'), tags: Array.from({ length: 33 }, (_, i) => `t${i}`) }]),
    ).toThrow('at most 32 tags')
    expect(() =>
      checkOfferLimits([{ ...bareSkill('a'), inputSchema: `{"description":"${'x'.repeat(8200)}"}` }]),
    ).toThrow('schema is longer')
    expect(() => checkOfferLimits([{ ...bareSkill('a'), description: 'fine' }])).not.toThrow()
  })

  it('refuses skills that would not fit in a signed card', () => {
    const big = Array.from({ length: 10 }, (_, i) => ({
      ...bareSkill(`skill-${i}`),
      description: 'x'.repeat(2000),
    }))
    expect(() => checkCardSize(big)).toThrow(/a signed card holds at most/)
    expect(() => checkCardSize(big.slice(0, 3))).not.toThrow()
  })
})
