// Loads the CLI's command tree (and with it, for `moltmesh start`, the daemon): from the bundle when it
// is fresh (bundle-stamp.ts), from the sources otherwise. MOLTMESH_BUNDLE=0 always runs the sources.
// `moltmesh start` loads the tree with its command alone (start-program.ts): the daemon's process
// then holds none of the other commands' code.

import { readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { type BundleStamp, bundleEntry, type Entry, STAMP_FILE, staleness } from './bundle-stamp.ts'

type Program = typeof import('../program.ts')

/** Why the bundle cannot be used now, or undefined when it can. */
export function bundleProblem(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.MOLTMESH_BUNDLE === '0') return 'MOLTMESH_BUNDLE=0'
  let stamp: BundleStamp
  try {
    stamp = JSON.parse(readFileSync(STAMP_FILE, 'utf8')) as BundleStamp
  } catch {
    return 'no bundle (npm run bundle builds it)'
  }
  return staleness(stamp)
}

/** The sources of each entry (literal specifiers, so the bundler and tsc see them). */
const SOURCES: Record<Entry, () => Promise<Program>> = {
  program: () => import('../program.ts'),
  'start-program': () => import('../start-program.ts'),
}

/** The program module, and where it came from ('bundle', or why not). */
export async function loadProgram(entry: Entry = 'program'): Promise<{ program: Program; from: string }> {
  const why = bundleProblem()
  if (why == null) {
    try {
      return { program: (await import(pathToFileURL(bundleEntry(entry)).href)) as Program, from: 'bundle' }
    } catch (err) {
      // A bundle that does not load (a half-deleted cache dir) must never keep a command from running.
      return { program: await SOURCES[entry](), from: `sources (${String(err)})` }
    }
  }
  return { program: await SOURCES[entry](), from: `sources (${why})` }
}
