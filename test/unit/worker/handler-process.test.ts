// The handler process contract with real processes: stdin in, stdout out, input files as "$@" and
// $MOLTMESH_INPUT_FILES, $MOLTMESH_OUTPUT_DIR, the stderr tail, a timeout that kills the whole process
// group, and a stop.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { onlyFiles, outputFor, stdinFor } from '../../../cli/worker/exec-worker.ts'
import { runHandler, STDERR_TAIL } from '../../../cli/worker/handler-process.ts'
import { safeFileName } from '../../../cli/worker/task-files.ts'

const dir = mkdtempSync(join(tmpdir(), 'handler-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const base = { env: {}, inputFiles: [], outputDir: dir, timeoutMs: 0, signal: new AbortController().signal }
const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('runHandler', () => {
  it('pipes stdin to stdout and streams it', async () => {
    const chunks: string[] = []
    const r = await runHandler({
      ...base,
      command: 'tr a-z A-Z',
      stdin: 'hello',
      onStdout: (t) => chunks.push(t),
    })
    expect(r).toMatchObject({ code: 0, stdout: 'HELLO', timedOut: false, stopped: false })
    expect(chunks.join('')).toBe('HELLO')
  })

  it('passes input files as "$@" and $MOLTMESH_INPUT_FILES, and sets the output dir and task env', async () => {
    const a = join(dir, 'a.txt')
    const b = join(dir, 'b c.txt')
    writeFileSync(a, 'one')
    writeFileSync(b, 'two')
    const r = await runHandler({
      ...base,
      command:
        'cat "$@"; echo; printf "%s|" "$MOLTMESH_INPUT_FILES"; echo "$MOLTMESH_TASK_ID" > "$MOLTMESH_OUTPUT_DIR/out.txt"',
      stdin: '',
      inputFiles: [a, b],
      env: { MOLTMESH_TASK_ID: 'task_x' },
    })
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(`onetwo\n${a}\n${b}|`)
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('task_x\n')
  })

  it('feeds files as stdin, one after the other', async () => {
    const a = join(dir, 'in-a.txt')
    const b = join(dir, 'in-b.txt')
    writeFileSync(a, 'abc')
    writeFileSync(b, 'de\n')
    const r = await runHandler({ ...base, command: 'wc -c', stdin: { files: [a, b] } })
    expect(r.stdout.trim()).toBe('6')
  })

  it('reports the exit code and the end of stderr', async () => {
    const r = await runHandler({
      ...base,
      command: `head -c ${STDERR_TAIL + 500} /dev/zero | tr '\\0' x >&2; echo END >&2; exit 4`,
      stdin: '',
    })
    expect(r.code).toBe(4)
    expect(r.stderrTail.length).toBe(STDERR_TAIL)
    expect(r.stderrTail.endsWith('xEND\n')).toBe(true)
  })

  it('kills the whole process group at the timeout', async () => {
    const pidFile = join(dir, 'bg.pid')
    const started = Date.now()
    const r = await runHandler({
      ...base,
      command: `sleep 60 & echo $! > "${pidFile}"; wait`,
      stdin: '',
      timeoutMs: 300,
    })
    expect(r.timedOut).toBe(true)
    expect(r.stopped).toBe(false)
    expect(Date.now() - started).toBeLessThan(10_000)
    const pid = Number(readFileSync(pidFile, 'utf8'))
    for (let i = 0; i < 50 && alive(pid); i++) await new Promise((res) => setTimeout(res, 100))
    expect(alive(pid)).toBe(false)
  })

  it('stops on its signal', async () => {
    const stop = new AbortController()
    setTimeout(() => stop.abort(), 200)
    const r = await runHandler({ ...base, command: 'sleep 60', stdin: '', signal: stop.signal })
    expect(r).toMatchObject({ stopped: true, timedOut: false, code: null, exitSignal: 'SIGTERM' })
  })
})

describe('task input and output of a handler', () => {
  it('reads the first JSON part, else the text parts', () => {
    expect(stdinFor([{ text: 'a' } as never, { dataJson: '{"x":1}' } as never])).toBe('{"x":1}')
    expect(stdinFor([{ text: 'a' } as never, { text: 'b' } as never])).toBe('a\nb')
  })
  it('treats an input of artifacts only as files for stdin', () => {
    expect(onlyFiles([{ artifact: { cid: 'x' } } as never])).toBe(true)
    expect(onlyFiles([{ artifact: { cid: 'x' } } as never, { text: 'see file' } as never])).toBe(false)
    expect(onlyFiles([])).toBe(false)
  })
  it('turns JSON stdout into a data part, anything else into text', () => {
    expect(outputFor('{"n":1}\n')[0]?.dataJson).toBe('{"n":1}')
    expect(outputFor('plain\n')[0]?.text).toBe('plain')
  })
  it('keeps artifact file names inside their directory', () => {
    expect(safeFileName('../../etc/passwd', 'x')).toBe('passwd')
    expect(safeFileName('..', 'fallback')).toBe('fallback')
    expect(safeFileName('my report (1).md', 'x')).toBe('my_report__1_.md')
    expect(safeFileName('', 'bafk')).toBe('bafk')
  })
})
