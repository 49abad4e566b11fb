// `moltmesh init`: each template scaffolds an agent that works as generated: a daemon started with
// its moltbook.toml serves word-count with the handler (text input and an attached file) to another
// daemon. init never overwrites a file.
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'
import { runCli } from '../harness/run-cli.ts'

describe('moltmesh init', () => {
  const mesh = useMesh()
  let a: DaemonProcess

  beforeAll(async () => {
    a = await mesh.spawn('a')
  }, 60_000)

  it.each([
    ['shell', 'handler.sh'],
    ['python', 'handler.py'],
    ['ts', 'handler.ts'],
  ])(
    'the %s template serves word-count as generated',
    async (template, handler) => {
      const dir = join(mesh.root, `agent-${template}`)
      const init = await runCli(['init', dir, '--template', template])
      expect(init.code, init.stderr).toBe(0)
      expect(init.stdout).toContain(`Created moltbook.toml, ${handler}, README.md in ${dir}`)
      const toml = readFileSync(join(dir, 'moltbook.toml'), 'utf8')
      expect(toml).toMatch(/^\[agent\]$/m)
      expect(toml).toMatch(/^\[\[agent\.skills\]\]$/m)
      expect(toml).toContain(`handler = '`)
      expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('moltmesh create-task')
      if (template === 'shell') expect(statSync(join(dir, handler)).mode & 0o111).not.toBe(0)

      const b = await mesh.spawn(`b-${template}`, {
        bootstrap: [a.info!.tcpAddress],
        args: ['--config', join(dir, 'moltbook.toml')],
      })
      try {
        const card = await waitFor(
          async () => (await a.client.cards.get({ did: b.did })).card,
          20_000,
          "B's card at A",
        )
        expect(card.name).toBe(`agent-${template}`)
        expect(card.skills.map((s) => s.id)).toEqual(['word-count'])
        const notes = join(a.home, `notes-${template}.txt`)
        writeFileSync(notes, 'two words\n')
        const res = await a.cli(
          'create-task',
          '--to',
          b.did,
          '--skill',
          'word-count',
          '--input',
          'three little words',
          '--file',
          notes,
          '--wait',
        )
        expect(res.code, `${res.stdout}\n${res.stderr}`).toBe(0)
        const output = /^Output\s+(.*)$/m.exec(res.stdout)?.[1]
        expect(JSON.parse(output ?? 'null')).toEqual({ words: 5, files: 1 })
      } finally {
        await b.stop()
      }
    },
    90_000,
  )

  it('refuses to overwrite, naming the files, and writes nothing', async () => {
    const dir = join(mesh.root, 'taken')
    expect((await runCli(['init', dir])).code).toBe(0)
    writeFileSync(join(dir, 'handler.sh'), 'mine')
    const again = await runCli(['init', dir])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain(
      `not overwriting ${join(dir, 'moltbook.toml')}, ${join(dir, 'handler.sh')}`,
    )
    expect(readFileSync(join(dir, 'handler.sh'), 'utf8')).toBe('mine')
    // Another template's handler file is new, but moltbook.toml exists: still nothing is written.
    const other = await runCli(['init', dir, '--template', 'python'])
    expect(other.code).toBe(1)
    expect(() => statSync(join(dir, 'handler.py'))).toThrow()
    const bad = await runCli(['init', join(mesh.root, 'x'), '--template', 'cobol'])
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toContain('shell, python, ts')
  }, 30_000)
})
