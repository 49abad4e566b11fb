// moltmesh init's templates: a valid moltbook.toml (it loads with the daemon's config loader) with
// one handler skill, and the agent name derived from the directory.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { agentNameFor, scaffold, TEMPLATES } from '../../../cli/init/templates.ts'
import { loadConfig } from '../../../daemon/config/load-config.ts'

describe('init templates', () => {
  it.each(TEMPLATES)('%s: the config loads and declares word-count with its handler', (template) => {
    const dir = mkdtempSync(join(tmpdir(), 'init-'))
    try {
      const files = scaffold(template, 'my-agent')
      for (const f of files) writeFileSync(join(dir, f.name), f.content)
      const { config } = loadConfig({ flags: { config: join(dir, 'moltbook.toml') }, env: {} })
      expect(config.agent.name).toBe('my-agent')
      expect(config.agent.skills).toHaveLength(1)
      const skill = config.agent.skills[0]!
      expect(skill).toMatchObject({ id: 'word-count', concurrency: 2, timeout: '30s' })
      const handlerFile = files[1]!.name
      expect(skill.handler).toBe(
        `${template === 'shell' ? 'sh' : template === 'python' ? 'python3' : 'node'} ${handlerFile} "$@"`,
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('names the agent after its directory', () => {
    expect(agentNameFor('My Agent')).toBe('my-agent')
    expect(agentNameFor('__')).toBe('my-agent')
    expect(agentNameFor('word.counter-2')).toBe('word-counter-2')
  })
})
