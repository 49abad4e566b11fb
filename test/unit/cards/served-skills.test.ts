// Skills served by workers: counted per registration, described by the earliest open one, and
// never overriding a declared skill.
import { describe, expect, it } from 'vitest'
import { bareSkill, createServedSkills, mergeServed } from '../../../daemon/cards/served-skills.ts'

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
