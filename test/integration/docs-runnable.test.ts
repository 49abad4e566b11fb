// Docs cannot drift: every ```sh runnable block of README.md, docs/*.md and the SDK READMEs is run
// as written, line by line, and each line must exit 0 (or the code a trailing `# exits N` names).
// The blocks run against a prepared machine: a daemon of one's own ($MOLTMESH_SOCKET, $HOME, the data
// dir) and a connected peer that claimed the name `swift-falcon`, offers `text-generation` (tag
// english, 0.5 credits) and `upper`, and serves `upper` with a worker; the working directory holds
// `card.json` (the card of docs/cli.md) and `report.md`.
//
// The README CLI tour is a transcript with placeholders across two machines (kept as ```text): its
// task flow is run verbatim against two daemons by worker-skills.test.ts instead.
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startProcess } from '../harness/cli-process.ts'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { useMesh } from '../harness/mesh.ts'
import { CLI_MAIN, REPO_ROOT } from '../harness/paths.ts'
import { startWorker } from '../harness/tasks.ts'

const DOCS = [
  'README.md',
  ...readdirSync(join(REPO_ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
  'clients/ts/README.md',
  'clients/python/README.md',
]

interface Block {
  file: string
  line: number
  commands: Array<{ text: string; line: number; exit: number }>
}

/** Every ```sh runnable block with its command lines (comments and blank lines skipped). */
function runnableBlocks(file: string, text: string): Block[] {
  const blocks: Block[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== '```sh runnable') continue
    const block: Block = { file, line: i + 1, commands: [] }
    for (i++; i < lines.length && lines[i]?.trim() !== '```'; i++) {
      const command = (lines[i] ?? '').trim()
      if (command === '' || command.startsWith('#')) continue
      const exit = /#\s*exits\s+(\d+)\s*$/.exec(command)
      block.commands.push({ text: command, line: i + 1, exit: exit == null ? 0 : Number(exit[1]) })
    }
    blocks.push(block)
  }
  return blocks
}

async function run(command: string, cwd: string, env: Record<string, string>) {
  const p = startProcess('bash', ['-c', command], { cwd, env })
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 60_000)
  const code = await p.exited
  clearTimeout(timer)
  return { code, output: p.output() }
}

describe('runnable docs', () => {
  const mesh = useMesh()
  let me: DaemonProcess
  let peer: DaemonProcess
  let env: Record<string, string>
  let worker: ReturnType<typeof startWorker> | undefined
  // Registered after useMesh's teardown, so it runs first: the worker stops before its daemon does.
  afterAll(async () => {
    await worker?.stop()
  })
  const blocks = DOCS.flatMap((file) => runnableBlocks(file, readFileSync(join(REPO_ROOT, file), 'utf8')))

  beforeAll(async () => {
    ;[me, peer] = (await mesh.spawnMany(2)) as [DaemonProcess, DaemonProcess]
    await mesh.connectAll([me, peer])
    await peer.client.a2a.claimName({ name: 'swift-falcon' })
    await peer.client.a2a.publishAgentCard({
      card: {
        name: 'Swift Falcon',
        skills: [{ id: 'text-generation', tags: ['english'], price: '0.5' }, { id: 'upper' }],
      },
    })
    worker = startWorker(peer, 'upper', async (ctx) => [
      {
        text: ctx.task.input
          .map((p) => p.text ?? '')
          .join('')
          .toUpperCase(),
      },
    ])
    // `moltmesh` on PATH, as after `npm link`.
    const bin = join(me.home, 'bin')
    mkdirSync(bin, { recursive: true })
    writeFileSync(join(bin, 'moltmesh'), `#!/bin/sh\nexec '${process.execPath}' '${CLI_MAIN}' "$@"\n`)
    chmodSync(join(bin, 'moltmesh'), 0o755)
    env = { ...me.env(), MOLTMESH_DATA_DIR: me.dataDir, PATH: `${bin}:${process.env.PATH}` }
  }, 60_000)

  it('finds runnable blocks in the docs', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2)
    expect(blocks.flatMap((b) => b.commands).length).toBeGreaterThan(10)
  })

  it('runs every runnable block as written', async () => {
    const failures: string[] = []
    for (const [n, block] of blocks.entries()) {
      const cwd = join(me.home, `block-${n}`)
      mkdirSync(cwd, { recursive: true })
      writeFileSync(join(cwd, 'report.md'), '# Report\n\nAll systems nominal.\n')
      writeFileSync(
        join(cwd, 'card.json'),
        JSON.stringify({
          name: 'Swift Falcon',
          description: 'writes short texts',
          skills: [
            {
              id: 'text-generation',
              tags: ['english'],
              price: '0.5',
              input_schema: { type: 'object', required: ['prompt'] },
            },
            { id: 'embedding', visibility: 'whitelist', allowed_dids: [peer.did] },
            { id: 'hidden-trick', visibility: 'private' },
          ],
        }),
      )
      for (const command of block.commands) {
        const res = await run(command.text, cwd, env)
        if (res.code !== command.exit)
          failures.push(
            `${block.file}:${command.line}: \`${command.text}\` exited ${res.code}, the docs expect ${command.exit}\n${res.output}`,
          )
      }
    }
    expect(failures, failures.join('\n\n')).toEqual([])
  }, 240_000)
})
