// Completion scripts are generated from the command tree: bash (run here for real) completes commands,
// subcommands and options at any depth; zsh wraps it; fish lists the same commands and options.
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { bashScript, fishScript, zshScript } from '../../../cli/commands/completion-command.ts'
import { buildProgram } from '../../../cli/program.ts'
import { CLI_MAIN } from '../../harness/paths.ts'

const script = bashScript(buildProgram())

/** What bash completes for the words typed so far (the last one being completed). */
function complete(...words: string[]): string[] {
  const line = ['moltmesh', ...words]
  const program = `${script}
COMP_WORDS=(${line.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${line.length - 1}
_moltmesh; printf '%s\\n' "\${COMPREPLY[@]}"`
  const res = spawnSync('bash', ['-c', program], { encoding: 'utf8' })
  expect(res.stderr).toBe('')
  return res.stdout.split('\n').filter((w) => w !== '')
}

describe('moltmesh completion', () => {
  it('bash completes commands, subcommands and options', () => {
    expect(complete('cre')).toEqual(['create-task'])
    expect(complete('task', 'l')).toEqual(['list'])
    expect(complete('--json', 'task', 'list', '--r')).toEqual(['--role'])
    expect(complete('create-task', '--max')).toEqual(['--max-price'])
    expect(complete('network', 'broadcast', '--')).toEqual(
      expect.arrayContaining(['--payload', '--json', '--socket']),
    )
    expect(complete('outbox', '')).toEqual(['cancel', '--socket', '--json', '--help'])
    expect(complete('')).toEqual(
      expect.arrayContaining(['status', 'doctor', 'logs', 'completion', '--version']),
    )
  })

  it('zsh and fish scripts cover the same tree', () => {
    const program = buildProgram()
    expect(zshScript(program)).toContain('bashcompinit')
    expect(zshScript(program)).toContain('complete -o default -F _moltmesh moltmesh')
    const fish = fishScript(program)
    expect(fish).toContain("complete -c moltmesh -n '__fish_use_subcommand' -a 'create-task'")
    expect(fish).toContain(
      "complete -c moltmesh -n '__fish_seen_subcommand_from task; and __fish_seen_subcommand_from list' -l role",
    )
  })

  it('the command prints the script, and refuses an unknown shell', () => {
    const ok = spawnSync(process.execPath, [CLI_MAIN, 'completion', 'bash'], { encoding: 'utf8' })
    expect(ok.status).toBe(0)
    expect(ok.stdout).toBe(script)
    const bad = spawnSync(process.execPath, [CLI_MAIN, 'completion', 'tcsh'], { encoding: 'utf8' })
    expect(bad.status).toBe(1)
    expect(bad.stderr).toContain('unknown shell "tcsh": use bash, zsh or fish')
  })
})
