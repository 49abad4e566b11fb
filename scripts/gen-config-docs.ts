// Writes moltbook.toml and docs/config.md from the config schema.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { renderConfigDoc, renderExampleToml } from '../daemon/config/render-docs.ts'
import { REPO_ROOT } from '../test/harness/paths.ts'

writeFileSync(join(REPO_ROOT, 'moltbook.toml'), renderExampleToml())
writeFileSync(join(REPO_ROOT, 'docs', 'config.md'), renderConfigDoc())
console.log('wrote moltbook.toml and docs/config.md')
