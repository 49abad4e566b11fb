// The worker subscription loop with a scripted daemon: it reports ready, reconnects after losing the
// daemon, gives up after its limit, and does not retry what is not a lost connection.
import { describe, expect, it } from 'vitest'
import {
  DaemonNotRunningError,
  describeSkills,
  InvalidArgumentError,
  type types,
  UnavailableError,
  type WorkerStatus,
  workerTasks,
} from '../../../clients/ts/index.ts'

type Step = { task?: string } | Error | 'end'

/** A fake `worker.subscribe`: each call plays the next script (responses, then an error or the end). */
function scripted(scripts: Step[][]) {
  let calls = 0
  const requests: unknown[] = []
  const client = {
    worker: {
      subscribe(req: unknown) {
        requests.push(req)
        const script = scripts[calls++] ?? [new DaemonNotRunningError('/x.sock')]
        return (async function* () {
          for (const step of script) {
            if (step instanceof Error) throw step
            if (step === 'end') return
            yield { task: step.task == null ? undefined : ({ id: step.task } as types.Task) }
          }
        })()
      },
    },
  }
  return { client: client as never, requests, calls: () => calls }
}

const collect = async (gen: AsyncGenerator<types.Task>) => {
  const ids: string[] = []
  for await (const t of gen) ids.push(t.id)
  return ids
}

describe('workerTasks', () => {
  it('yields tasks across a lost daemon and reports lost and reconnected', async () => {
    const lost = new UnavailableError('gone', { reason: 'UNAVAILABLE', code: 14 })
    const { client, requests } = scripted([
      [{}, { task: 't1' }, lost],
      [new DaemonNotRunningError('/x.sock')],
      [{}, { task: 't2' }, 'end'],
      [{}, new InvalidArgumentError('stop here', { reason: 'INVALID_CARD', code: 3 })],
    ])
    const statuses: WorkerStatus['kind'][] = []
    const request = describeSkills(['upper', { id: 'shout', price: '2', inputSchema: { type: 'string' } }])
    const gen = workerTasks(client, request, {
      signal: new AbortController().signal,
      onStatus: (s) => statuses.push(s.kind),
    })
    const ids: string[] = []
    await expect(
      (async () => {
        for await (const t of gen) ids.push(t.id)
      })(),
    ).rejects.toThrow('stop here')
    expect(ids).toEqual(['t1', 't2'])
    // A clean end of the stream counts as losing the daemon too.
    expect(statuses).toEqual(['ready', 'lost', 'reconnected', 'lost', 'reconnected'])
    expect(requests[0]).toEqual({
      skills: ['upper', 'shout'],
      offers: [
        {
          id: 'shout',
          name: '',
          description: '',
          tags: [],
          inputSchemaJson: '{"type":"string"}',
          outputSchemaJson: '',
          price: '2',
        },
      ],
    })
  })

  it('gives up after giveUpAfterMs without the daemon, with DAEMON_GONE', async () => {
    const { client, calls } = scripted([
      [{}, new UnavailableError('gone', { reason: 'UNAVAILABLE', code: 14 })],
    ])
    const err = await collect(
      workerTasks(client, describeSkills(['upper']), {
        signal: new AbortController().signal,
        reconnect: { giveUpAfterMs: 300 },
      }),
    ).catch((e: UnavailableError) => e)
    expect(err).toBeInstanceOf(UnavailableError)
    expect((err as UnavailableError).reason).toBe('DAEMON_GONE')
    expect((err as Error).message).toMatch(/could not reconnect within 0.3 s/)
    expect(calls()).toBeGreaterThan(1)
  })

  it('fails at once when the daemon was never there, or when reconnect is false', async () => {
    const never = scripted([[new DaemonNotRunningError('/x.sock')]])
    await expect(
      collect(workerTasks(never.client, describeSkills(['a']), { signal: new AbortController().signal })),
    ).rejects.toBeInstanceOf(DaemonNotRunningError)
    expect(never.calls()).toBe(1)
    const off = scripted([[{}, new UnavailableError('gone', { reason: 'UNAVAILABLE', code: 14 })]])
    await expect(
      collect(
        workerTasks(off.client, describeSkills(['a']), {
          signal: new AbortController().signal,
          reconnect: false,
        }),
      ),
    ).rejects.toThrow(/could not reconnect/)
    expect(off.calls()).toBe(1)
  })

  it('ends quietly when stopped', async () => {
    const stop = new AbortController()
    const { client } = scripted([[{}, { task: 't1' }]])
    const ids: string[] = []
    for await (const t of workerTasks(client, describeSkills(['a']), { signal: stop.signal })) {
      ids.push(t.id)
      stop.abort()
    }
    expect(ids).toEqual(['t1'])
  })
})
