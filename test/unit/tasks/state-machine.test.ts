// The task state machine (A2A v1 states): which changes are legal, that terminal states are final,
// and which reason code an illegal change carries.
import { describe, expect, it } from 'vitest'
import { isMoltmeshError } from '../../../daemon/errors/moltmesh-error.ts'
import {
  assertTransition,
  canTransition,
  isTerminal,
  stateName,
} from '../../../daemon/tasks/state-machine.ts'
import { TaskState } from '../../../daemon/wire/gen/moltmesh/wire/v1/tasks.ts'

const S = TaskState
const ALL = [
  S.TASK_STATE_SUBMITTED,
  S.TASK_STATE_WORKING,
  S.TASK_STATE_INPUT_REQUIRED,
  S.TASK_STATE_AUTH_REQUIRED,
  S.TASK_STATE_COMPLETED,
  S.TASK_STATE_FAILED,
  S.TASK_STATE_CANCELED,
  S.TASK_STATE_REJECTED,
]
const TERMINAL = [S.TASK_STATE_COMPLETED, S.TASK_STATE_FAILED, S.TASK_STATE_CANCELED, S.TASK_STATE_REJECTED]

function reasonOf(fn: () => void): string | undefined {
  try {
    fn()
  } catch (err) {
    return isMoltmeshError(err) ? err.reason : `not a MoltmeshError: ${String(err)}`
  }
  return undefined
}

describe('task state machine', () => {
  it('knows exactly the four terminal states', () => {
    expect(ALL.filter(isTerminal)).toEqual(TERMINAL)
  })

  it('never leaves a terminal state', () => {
    for (const from of TERMINAL)
      for (const to of ALL) {
        expect(canTransition(from, to)).toBe(false)
        expect(reasonOf(() => assertTransition('task_x', from, to))).toBe('TASK_TERMINAL')
      }
  })

  it('lets a SUBMITTED task start, or end without work, but not ask questions or complete', () => {
    const allowed = ALL.filter((to) => canTransition(S.TASK_STATE_SUBMITTED, to))
    expect(allowed).toEqual([
      S.TASK_STATE_WORKING,
      S.TASK_STATE_FAILED,
      S.TASK_STATE_CANCELED,
      S.TASK_STATE_REJECTED,
    ])
    expect(reasonOf(() => assertTransition('task_x', S.TASK_STATE_SUBMITTED, S.TASK_STATE_COMPLETED))).toBe(
      'INVALID_TRANSITION',
    )
  })

  it('lets an active task go anywhere but to the state it is in', () => {
    for (const from of [S.TASK_STATE_WORKING, S.TASK_STATE_INPUT_REQUIRED, S.TASK_STATE_AUTH_REQUIRED]) {
      expect(canTransition(from, from)).toBe(false)
      expect(reasonOf(() => assertTransition('task_x', from, from))).toBe('INVALID_TRANSITION')
      for (const to of ALL.filter((s) => s !== from)) expect(canTransition(from, to)).toBe(true)
    }
  })

  it('sends a WORKING task back to SUBMITTED (a lease ran out) but no further back', () => {
    expect(canTransition(S.TASK_STATE_WORKING, S.TASK_STATE_SUBMITTED)).toBe(true)
    expect(canTransition(S.TASK_STATE_UNSPECIFIED, S.TASK_STATE_SUBMITTED)).toBe(false)
  })

  it('names states without their prefix, and unknown ones by number', () => {
    expect(stateName(S.TASK_STATE_INPUT_REQUIRED)).toBe('INPUT_REQUIRED')
    expect(stateName(99 as TaskState)).toBe('99')
  })

  it('puts both task ids and state names in the error message', () => {
    try {
      assertTransition('task_abc', S.TASK_STATE_SUBMITTED, S.TASK_STATE_INPUT_REQUIRED)
      expect.unreachable()
    } catch (err) {
      expect((err as Error).message).toBe('task task_abc cannot go from SUBMITTED to INPUT_REQUIRED')
    }
  })
})
