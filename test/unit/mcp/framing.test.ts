// MCP stdio framing: lines split across chunks, CRLF, oversized lines dropped without buffering and
// their request id recovered only where it is unambiguous.
import { describe, expect, it } from 'vitest'
import { encodeLine, guessRequestId, LineSplitter } from '../../../cli/mcp/framing.ts'

const b = (s: string) => Buffer.from(s, 'utf8')

describe('LineSplitter', () => {
  it('splits lines across chunks, strips CR and keeps multi-byte characters whole', () => {
    const s = new LineSplitter()
    const euro = b('€')
    expect(s.push(b('{"a":1}\n{"b":'))).toEqual([{ kind: 'line', text: '{"a":1}' }])
    expect(s.push(Buffer.concat([b('"'), euro.subarray(0, 1)]))).toEqual([])
    expect(s.push(Buffer.concat([euro.subarray(1), b('"}\r\n\n')]))).toEqual([
      { kind: 'line', text: '{"b":"€"}' },
      { kind: 'line', text: '' },
    ])
    expect(s.end()).toBeUndefined()
    s.push(b('{"tail":true}'))
    expect(s.end()).toEqual({ kind: 'line', text: '{"tail":true}' })
  })

  it('drops a line over the limit, reports its size and id, and goes on with the next line', () => {
    const s = new LineSplitter(1024)
    const big = `{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"x":"${'y'.repeat(5000)}"}}`
    const out = [
      ...s.push(b(big.slice(0, 700))),
      ...s.push(b(big.slice(700, 3000))),
      ...s.push(b(`${big.slice(3000)}\n{"ok":1}\n`)),
    ]
    expect(out).toEqual([
      { kind: 'oversized', bytes: big.length, id: 42 },
      { kind: 'line', text: '{"ok":1}' },
    ])
  })

  it('finds the id at the end of an oversized line, as the TypeScript SDK orders members', () => {
    const s = new LineSplitter(100)
    const big = `{"method":"tools/call","params":{"arguments":{"id":"task_1","t":"${'z'.repeat(500)}"}},"jsonrpc":"2.0","id":"req-7"}\n`
    expect(s.push(b(big))).toEqual([{ kind: 'oversized', bytes: big.length - 1, id: 'req-7' }])
  })

  it('reports an oversized line that never ends when the stream ends', () => {
    const s = new LineSplitter(10)
    expect(s.push(b('x'.repeat(50)))).toEqual([])
    expect(s.end()).toEqual({ kind: 'oversized', bytes: 50, id: null })
  })
})

describe('guessRequestId', () => {
  it('takes the first or last member of the top-level object only', () => {
    expect(guessRequestId('{"id":1,"method":"x","params":{', '')).toBe(1)
    expect(guessRequestId(' { "jsonrpc" : "2.0" , "id" : "a\\"b" ,', '')).toBe('a"b')
    expect(guessRequestId('{"method":"x"', '"p":{}},"jsonrpc":"2.0","id":-3}\r')).toBe(-3)
  })

  it('ignores ids nested in params, inside strings, or in batches', () => {
    expect(guessRequestId('{"method":"x","params":{"id":5,', '')).toBeNull()
    expect(guessRequestId('{"method":"x"', '"params":{"a":{"id":5}}}')).toBeNull()
    expect(guessRequestId('{"method":"x"', '"text":"a,\\"id\\":5}"}')).toBeNull()
    expect(guessRequestId('[{"id":1,"method":"x"}', '{"id":2,"method":"y"}]')).toBeNull()
    expect(guessRequestId('', '')).toBeNull()
  })
})

describe('encodeLine', () => {
  it('writes one line even when strings contain newlines', () => {
    const line = encodeLine({ text: 'a\nb\r\nc\u2028' })
    expect(line.endsWith('\n')).toBe(true)
    expect(line.slice(0, -1)).not.toMatch(/[\r\n]/)
    expect(JSON.parse(line)).toEqual({ text: 'a\nb\r\nc\u2028' })
  })
})
