// The schema-check worker: linear-time patterns, the depth cap, the time budget (the worker is ended
// and replaced), and the worker going away when idle so an attack does not leave an isolate behind.
import { afterEach, describe, expect, it } from 'vitest'
import { assertSchemaSafe, nestingDepth } from '../../../daemon/tasks/input-schema.ts'
import { createInputValidator, type InputValidator } from '../../../daemon/tasks/input-validator.ts'
import { waitFor } from '../../harness/wait-for.ts'

const explode = JSON.stringify({
  anyOf: [
    { type: 'array', items: { $ref: '#' } },
    { type: 'array', items: { $ref: '#' } },
  ],
})
const nested = (depth: number) => `${'['.repeat(depth)}"x"${']'.repeat(depth)}`

describe('input validator', () => {
  let v: InputValidator | undefined
  afterEach(async () => {
    await v?.stop()
  })

  it('checks patterns in linear time, caps depth, and ends a check over budget', async () => {
    v = createInputValidator({ budgetMs: 3_000 })
    const redos = JSON.stringify({ type: 'string', pattern: '^(a+)+$' })
    const t0 = performance.now()
    expect(await v.validate({ schema: redos, text: `${'a'.repeat(5000)}!`, json: false })).toMatchObject({
      ok: false,
    })
    expect(performance.now() - t0).toBeLessThan(5_000) // a backtracking engine never finishes
    expect(await v.validate({ schema: redos, text: 'aaa', json: false })).toEqual({ ok: true })
    expect(await v.validate({ schema: redos, text: nested(100), json: true })).toMatchObject({
      ok: false,
      message: 'input nests deeper than 64 levels',
    })
    expect(await v.validate({ schema: explode, text: nested(60), json: true })).toMatchObject({
      ok: false,
      tooComplex: true,
    })
    // A fresh worker serves the next check.
    expect(await v.validate({ schema: explode, text: nested(2), json: true })).toMatchObject({
      ok: false,
      message: expect.stringContaining('must be array'),
    })
  }, 30_000)

  it('ends an idle worker', async () => {
    const idle = createInputValidator({ budgetMs: 2_000, idleMs: 100 })
    v = idle
    await idle.validate({ schema: '{"type":"string"}', text: 'x', json: false })
    expect(idle.hasWorker).toBe(true)
    await waitFor(() => !idle.hasWorker, 10_000, 'the idle worker to end', 20)
    expect(await idle.validate({ schema: '{"type":"string"}', text: 'x', json: false })).toEqual({ ok: true })
  }, 30_000)
})

describe('schema safety at publish', () => {
  it('names the field and the problem', () => {
    expect(() => assertSchemaSafe({ pattern: '(?<=a)b' }, 'skills[0].input_schema')).toThrow(
      /skills\[0\]\.input_schema: \/pattern .*linear time/,
    )
    expect(() => assertSchemaSafe({ type: 'array', uniqueItems: true }, 'f')).toThrow(/maxItems/)
    expect(() =>
      assertSchemaSafe({ type: 'array', uniqueItems: true, items: { type: 'string' } }, 'f'),
    ).not.toThrow()
    let deep: object = { type: 'string' }
    for (let i = 0; i < 40; i++) deep = { items: deep }
    expect(() => assertSchemaSafe(deep, 'f')).toThrow(/deeper than 32/)
    expect(() => assertSchemaSafe({ type: 'nonsense' }, 'f')).toThrow(/does not compile/)
    expect(nestingDepth(JSON.parse(nested(10)), 64)).toBe(10)
  })
})
