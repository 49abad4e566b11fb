// Builds the CLI-and-daemon bundle (cli/bundle/bundle-stamp.ts): `npm run bundle`, and after `npm install`.
// Never fails the install: without it the daemon runs from its sources, only slower to start.
//
// Usage: node scripts/bundle.ts [--strict]   (--strict: exit 1 when the build fails)
import { buildDaemonBundle } from '../cli/bundle/build-bundle.ts'

try {
  const b = await buildDaemonBundle()
  console.log(`bundle: ${b.modules} modules -> ${b.files} files in ${b.dir} (${b.ms} ms)`)
} catch (err) {
  console.error(`bundle not built (the CLI and daemon run from their sources): ${(err as Error).message}`)
  if (process.argv.includes('--strict')) process.exitCode = 1
}
