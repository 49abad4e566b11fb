// Artifacts as files for handler commands: a task's input artifacts are fetched into a directory
// (from the local blob store, else from the agent holding them, else from the requester), and the
// files a handler leaves in its output directory are stored as blobs and become artifact parts.

import { mkdir, readdir, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import {
  type Client,
  type DeepPartial,
  downloadFile,
  type types,
  uploadFile,
} from '../../clients/ts/index.ts'

/** A file name that stays inside its directory: no separators, no dot-only names. */
export function safeFileName(name: string, fallback: string): string {
  const cleaned = basename(name)
    .replace(/[^\w.+-]/g, '_')
    .replace(/^\.+/, '')
  return cleaned === '' ? fallback : cleaned.slice(0, 200)
}

/** Writes each input artifact of `task` into `dir`; returns the paths in input order. */
export async function fetchInputFiles(client: Client, task: types.Task, dir: string): Promise<string[]> {
  const artifacts = task.input.flatMap((p) => (p.artifact != null ? [p.artifact] : []))
  if (artifacts.length === 0) return []
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const used = new Set<string>()
  const paths: string[] = []
  for (const [i, artifact] of artifacts.entries()) {
    let name = safeFileName(artifact.name, artifact.cid || `input-${i}`)
    // Two inputs with the same name: keep both.
    if (used.has(name)) name = `${i}-${name}`
    used.add(name)
    const path = join(dir, name)
    // Small content travels inline (and was verified against its CID on arrival).
    if (artifact.inlineData.length > 0) await writeFile(path, artifact.inlineData)
    else await downloadFile(client, artifact.cid, path, { from: artifact.holderDid || task.requester })
    paths.push(path)
  }
  return paths
}

/**
 * Stores every regular file in `dir` (sorted by name) and returns them as artifact parts naming the
 * CID only: the daemon completes them from its store (inline when small) when the task completes.
 */
export async function collectOutputFiles(client: Client, dir: string): Promise<DeepPartial<types.Part>[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  const files = entries.filter((e) => e.isFile()).map((e) => e.name)
  files.sort()
  const parts: DeepPartial<types.Part>[] = []
  for (const name of files) {
    const artifact = await uploadFile(client, join(dir, name))
    parts.push({ artifact: { cid: artifact.cid } })
  }
  return parts
}
