// A real Chromium for the web workspace tests: Debian's package (scripts/setup-chromium.sh installs
// it when it can), driven by playwright-core through its executable. Never a downloaded browser.

import { spawnSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { type Browser, chromium } from 'playwright-core'
import { REPO_ROOT } from './paths.ts'

/** The Chromium executable, or undefined (with the reason on stderr) when it cannot be had. */
export function findChromium(): string | undefined {
  const setup = spawnSync('bash', [join(REPO_ROOT, 'scripts', 'setup-chromium.sh')], { encoding: 'utf8' })
  if (setup.status === 0) return setup.stdout.trim()
  console.warn(`skipped: ${setup.stderr.trim() || 'no Chromium'} (the browser tests need Debian's chromium)`)
  return undefined
}

export function launchChromium(executablePath: string): Promise<Browser> {
  // --no-sandbox: tests run as root in containers, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] })
}

/** The gitignored folder where a test's screenshots go: test-output/<name>/. */
export function outputDir(name: string): string {
  const dir = join(REPO_ROOT, 'test-output', name)
  mkdirSync(dir, { recursive: true })
  return dir
}
