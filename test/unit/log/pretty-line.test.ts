// Readable log lines: time, level, component, message, then key=value fields; errors by message;
// peer-supplied control characters escaped; non-JSON lines passed through escaped.
import { describe, expect, it } from 'vitest'
import { prettyLine, prettyRecord } from '../../../daemon/log/pretty-line.ts'

describe('pretty log lines', () => {
  it('formats a pino record', () => {
    expect(
      prettyRecord({
        level: 40,
        time: '2026-12-02T08:03:51.671Z',
        pid: 7,
        component: 'messaging',
        id: 'msg_1',
        to: 'did:key:z6Mkabc',
        reason: 'RETRY LATER',
        attempts: 3,
        err: { type: 'Error', message: 'boom', stack: 'Error: boom\n at x' },
        msg: 'delivery failed, will retry',
      }),
    ).toBe(
      '2026-12-02 08:03:51.671Z WARN  messaging: delivery failed, will retry id=msg_1 to=did:key:z6Mkabc reason="RETRY LATER" attempts=3 err="boom"',
    )
  })

  it('escapes control characters from peers and passes other lines through', () => {
    const line = JSON.stringify({ level: 30, time: 't', msg: 'card\u001b[2J', name: 'x\u009b\u0007' })
    const out = prettyLine(line)
    expect(out.level).toBe(30)
    expect(out.text).toBe('t INFO  card\\u001b[2J name="x\\u009b\\u0007"')
    expect(prettyLine('plain \u001b text')).toEqual({ text: 'plain \\u001b text' })
    expect(prettyLine('{not json').text).toBe('{not json')
  })
})
