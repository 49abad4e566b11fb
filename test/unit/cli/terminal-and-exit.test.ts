// Formatting units of the CLI: control characters from peers are shown escaped, the console guard
// escapes what a formatter missed, task waits map states to the documented exit codes, and the
// program's own flags (--version, -v), help defaults and usage errors.
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import {
  EXIT_FAILED,
  EXIT_INPUT_REQUIRED,
  EXIT_OK,
  EXIT_WAIT_TIMEOUT,
  taskExitCode,
} from '../../../cli/exit-codes.ts'
import { printFields } from '../../../cli/output/format.ts'
import { contentText, messageLine, partText } from '../../../cli/output/message-format.ts'
import { guardConsole, safeBlock, safeText } from '../../../cli/output/terminal-safe.ts'
import { formatCredits, messageStatusName, taskStateName, types } from '../../../clients/ts/index.ts'
import pkg from '../../../package.json' with { type: 'json' }
import { CLI_MAIN } from '../../harness/paths.ts'

const run = (...args: string[]) => spawnSync(process.execPath, [CLI_MAIN, ...args], { encoding: 'utf8' })

describe('terminal-safe output', () => {
  it('escapes ESC, BEL, CR, NUL, newlines, DEL, C1 and bidi overrides; leaves other text alone', () => {
    expect(safeText('a\u001b[2Jb\u0007c\rd\u0000e\nf')).toBe('a\\e[2Jb\\x07c\\rd\\0e\\nf')
    expect(safeText('x\u007fy\u009bz\u202eq')).toBe('x\\x7fy\\x9bz\\u202eq')
    expect(safeText('héllo wörld ✓ 日本 tab\there')).toBe('héllo wörld ✓ 日本 tab\\there')
    // Multi-line text keeps its lines and tabs, and nothing else.
    expect(safeBlock('line 1\n\tline 2\r\u001b[31m')).toBe('line 1\n\tline 2\\r\\e[31m')
  })

  it('parts and label/value rows never carry a raw control character', () => {
    const text = types.Part.fromPartial({ text: 'a\u009b31m' })
    expect(partText(text)).toBe('"a\\x9b31m"')
    expect(partText(types.Part.fromPartial({ dataJson: '{"a":"\u001b"}' }))).toBe('{"a":"\\e"}')
    const lines: string[] = []
    const log = console.log
    console.log = (line: string) => lines.push(line)
    try {
      printFields([['Name', 'evil\nDID forged\u001b[2J']])
    } finally {
      console.log = log
    }
    expect(lines).toEqual(['Name  evil\\nDID forged\\e[2J'])
  })

  it('the console guard escapes whatever reaches console.log and console.error', () => {
    const out: string[] = []
    const push = (...args: unknown[]) => {
      out.push(args.join(' '))
    }
    const target = { log: push, info: push, warn: push, error: push }
    guardConsole(target)
    guardConsole(target) // installing twice does not escape twice
    target.log('%s and %d', 'bell\u0007', 3)
    target.error('two\nlines\u001b]0;title\u0007')
    expect(out).toEqual(['bell\\x07 and 3', 'two\nlines\\e]0;title\\x07'])
  })
})

describe('output nits', () => {
  it('credits are singular for exactly one', () => {
    expect(formatCredits('1')).toBe('1 credit')
    expect(formatCredits('-1')).toBe('-1 credit')
    expect(formatCredits('3')).toBe('3 credits')
    expect(formatCredits('0.5')).toBe('0.5 credits')
    expect(formatCredits('1.0')).toBe('1.0 credit')
  })

  it('task states and message statuses have short names (shared by the CLI and the MCP tools)', () => {
    expect(taskStateName(types.TaskState.TASK_STATE_INPUT_REQUIRED)).toBe('INPUT_REQUIRED')
    expect(taskStateName(99 as types.TaskState)).toBe('99')
    expect(messageStatusName(types.MessageStatus.MESSAGE_STATUS_DELIVERED)).toBe('delivered')
    expect(messageStatusName(types.MessageStatus.MESSAGE_STATUS_FAILED)).toBe('failed')
    expect(messageStatusName(42)).toBe('unknown')
  })

  it('long messages are cut in listings (with the count of what is hidden) unless full', () => {
    const long = types.Message.fromPartial({
      id: 'msg_1',
      from: 'did:key:z6Mka',
      parts: [{ text: 'x'.repeat(300) }],
    })
    const line = messageLine(long, 'in')
    expect(line).toContain(`"${'x'.repeat(199)}… (102 more characters, --full shows all)`)
    expect(messageLine(long, 'in', 0)).toBe(`msg_1 from did:key:z6Mka "${'x'.repeat(300)}"`)
    expect(contentText(long)).toBe(`"${'x'.repeat(300)}"`)
  })
})

describe('task wait exit codes', () => {
  it('only COMPLETED is 0; failures 1; still running 3; waiting for input 4', () => {
    const S = types.TaskState
    expect(taskExitCode(S.TASK_STATE_COMPLETED)).toBe(EXIT_OK)
    for (const s of [S.TASK_STATE_FAILED, S.TASK_STATE_REJECTED, S.TASK_STATE_CANCELED])
      expect(taskExitCode(s)).toBe(EXIT_FAILED)
    for (const s of [S.TASK_STATE_SUBMITTED, S.TASK_STATE_WORKING, S.TASK_STATE_UNSPECIFIED])
      expect(taskExitCode(s)).toBe(EXIT_WAIT_TIMEOUT)
    for (const s of [S.TASK_STATE_INPUT_REQUIRED, S.TASK_STATE_AUTH_REQUIRED])
      expect(taskExitCode(s)).toBe(EXIT_INPUT_REQUIRED)
  })
})

describe('program flags and usage errors', () => {
  it('--version and -v print the version', () => {
    for (const flag of ['--version', '-v']) {
      const res = run(flag)
      expect(res.status).toBe(0)
      expect(res.stdout.trim()).toBe(pkg.version)
    }
  })

  it('an option whose description states its default shows it once', () => {
    const help = run('send-message', '--help').stdout
    expect(help).toMatch(/--ttl <ms>\s+time to live in milliseconds \(default 72 h\)\n/)
    expect(help).not.toContain('(default: "0")')
    // Options without a stated default still get commander's.
    expect(run('task', 'list', '--help').stdout).toContain('(default: 50)')
  })

  it('an unknown command is a short error with a suggestion, not the whole help', () => {
    const res = run('sendmessage')
    expect(res.status).toBe(1)
    expect(res.stderr).toContain("error: unknown command 'sendmessage'")
    expect(res.stderr).toContain('Did you mean send-message?')
    expect(res.stderr.trim().split('\n').length).toBeLessThanOrEqual(3)
    expect(res.stdout).toBe('')
  })
})
