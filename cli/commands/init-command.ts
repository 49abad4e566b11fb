// `moltmesh init [dir] [--template shell|python|ts]`: scaffolds an agent that serves one skill with a
// handler (cli/init/templates.ts). It never overwrites: when any file it would write exists, it
// names them and writes nothing.

import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { type Command, Option } from 'commander'
import { action, globals } from '../context.ts'
import { agentNameFor, scaffold, TEMPLATES, type Template } from '../init/templates.ts'
import { printJson } from '../output/format.ts'

export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .description('scaffold an agent: moltbook.toml with one skill, its handler and a README')
    .argument('[dir]', 'directory to create the files in (created if missing)', '.')
    .addOption(
      new Option('--template <language>', 'language of the handler').choices(TEMPLATES).default('shell'),
    )
    .action(
      action(async (dirArg: string, opts: { template: Template }, cmd: Command) => {
        const dir = resolve(dirArg)
        const files = scaffold(opts.template, agentNameFor(basename(dir)))
        const existing = files.map((f) => join(dir, f.name)).filter((path) => existsSync(path))
        if (existing.length > 0)
          throw Object.assign(
            new Error(`not overwriting ${existing.join(', ')}: move them away or choose another directory`),
            { reason: 'ALREADY_EXISTS' },
          )
        mkdirSync(dir, { recursive: true })
        for (const f of files)
          writeFileSync(join(dir, f.name), f.content, { flag: 'wx', mode: f.mode ?? 0o644 })
        if (globals(cmd).json) {
          printJson({ dir, template: opts.template, files: files.map((f) => f.name) })
          return
        }
        console.log(`Created ${files.map((f) => f.name).join(', ')} in ${dir}`)
        console.log('Next:')
        if (dirArg !== '.') console.log(`  cd ${dirArg}`)
        console.log('  moltmesh start --config moltbook.toml   # serves word-count with the handler')
        console.log(
          "  moltmesh create-task --to <DID> --skill word-count --input 'a b c' --wait   # from another agent",
        )
      }),
    )
}
