// Hop tracing for the per-hop time budget of docs/benchmarks.md: with MOLTMESH_HOP_TRACE=<file> set,
// each traced point appends "<epoch ms, µs precision> <label> <id>" to that file (both daemons of a
// bench pair may share one file: the lines are short single writes). Off by default: `hop` is then
// undefined and each call site costs one check.
import { closeSync, openSync, writeSync } from 'node:fs'

const file = process.env.MOLTMESH_HOP_TRACE
const fd = file != null && file !== '' ? openSync(file, 'a') : undefined
if (fd != null) process.once('exit', () => closeSync(fd))

export const hop: ((label: string, id: string) => void) | undefined =
  fd == null
    ? undefined
    : (label, id) => {
        writeSync(fd, `${(performance.timeOrigin + performance.now()).toFixed(3)} ${label} ${id}\n`)
      }
