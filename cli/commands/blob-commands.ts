// moltmesh blob put|get|stat|gc — content-addressed blobs (artifacts). Uploads and downloads stream in
// chunks of at most 1 MiB with back-pressure both ways, so any size moves in bounded memory.

import { createReadStream } from 'node:fs'
import { type FileHandle, open, rename, rm, stat } from 'node:fs/promises'
import { basename, extname } from 'node:path'
import type { Command } from 'commander'
import { a2a, type Client, MoltmeshError, types } from '../../clients/ts/index.ts'
import { action, withClient } from '../context.ts'
import { intOption } from '../int-option.ts'
import { printFields } from '../output/format.ts'
import { createTransferProgress, progressWanted } from '../output/progress.ts'
import { printMessage } from '../output/proto-json.ts'

/** The daemon's limit per PutBlob chunk. */
const CHUNK_BYTES = 1024 * 1024

/** Media types guessed from common extensions when --media-type is not given. */
const MEDIA_TYPES: Record<string, string> = {
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.csv': 'text/csv',
  '.html': 'text/html',
  '.json': 'application/json',
  '.jsonl': 'application/jsonl',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
  '.gz': 'application/gzip',
  '.tar': 'application/x-tar',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.mp4': 'video/mp4',
}

export function guessMediaType(file: string): string {
  return MEDIA_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream'
}

/** 1536 -> "1.5 KiB (1536 bytes)". */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = n
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${n} bytes` : `${value.toFixed(1)} ${units[unit]} (${n} bytes)`
}

/** The upload's messages: metadata first, then the source re-cut into chunks of at most 1 MiB. */
async function* putRequests(
  source: AsyncIterable<Buffer>,
  metadata: { name: string; mediaType: string; size: number },
  sent: (bytes: number) => void,
): AsyncGenerator<Partial<a2a.PutBlobRequest>> {
  yield { metadata }
  for await (const data of source) {
    for (let at = 0; at < data.length; at += CHUNK_BYTES) {
      const chunk = data.subarray(at, at + CHUNK_BYTES)
      yield { chunk }
      sent(chunk.length)
    }
  }
}

/** Streams a file (or standard input for "-") into the daemon's blob store. */
export async function uploadFile(
  client: Client,
  file: string,
  opts: { name?: string; mediaType?: string; progress?: boolean } = {},
): Promise<a2a.PutBlobResponse> {
  const stdin = file === '-'
  // A regular file's size is declared, so a file that changes during the upload is refused.
  const size = stdin ? 0 : (await stat(file)).size
  const source = stdin ? process.stdin : createReadStream(file, { highWaterMark: CHUNK_BYTES })
  const progress = createTransferProgress(
    `put ${stdin ? 'stdin' : basename(file)}`,
    size,
    opts.progress === true,
  )
  try {
    return await client.a2a.putBlob(
      putRequests(
        source as AsyncIterable<Buffer>,
        {
          name: opts.name ?? (stdin ? '' : basename(file)),
          mediaType: opts.mediaType ?? (stdin ? 'application/octet-stream' : guessMediaType(file)),
          size,
        },
        (n) => progress.add(n),
      ),
    )
  } finally {
    progress.end()
  }
}

/** Label/value rows of an artifact; the daemon answering always holds the blob it describes. */
function artifactRows(artifact: types.Artifact | undefined) {
  if (artifact == null) return []
  return [
    ['CID', artifact.cid],
    ['Size', formatBytes(artifact.size)],
    ['Media type', artifact.mediaType || undefined],
    ['Name', artifact.name || undefined],
    ['Holder', artifact.holderDid !== '' ? `${artifact.holderDid} (this daemon)` : undefined],
  ] satisfies Array<[string, string | undefined]>
}

/**
 * Standard output for blob content, with back-pressure. A reader that goes away (`| head -c 10`) ends
 * the download quietly, as with any Unix tool, instead of an EPIPE error.
 */
function stdoutSink() {
  const out = process.stdout
  let gone = false
  const onError = (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err
    gone = true
  }
  // Stays registered: a late EPIPE from bytes still buffered must not crash the exiting process.
  out.on('error', onError)
  return {
    /** Writes a chunk; false once the reader is gone. */
    async write(chunk: Uint8Array): Promise<boolean> {
      if (gone || out.destroyed) return false
      if (!out.write(chunk)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            out.off('drain', done)
            out.off('close', done)
            out.off('error', done)
            resolve()
          }
          out.on('drain', done)
          out.on('close', done)
          out.on('error', done)
        })
      }
      return !gone && !out.destroyed
    },
  }
}

export function registerBlobCommands(program: Command): void {
  const blob = program
    .command('blob')
    .description('content-addressed blobs, i.e. artifacts (put, get, stat, gc)')

  blob
    .command('put')
    .description('store a file in the daemon (streamed); prints its CID')
    .argument('<file>', 'file to upload, or - for standard input')
    .option('--name <name>', 'file name to record (default: the file name)')
    .option('--media-type <type>', 'media type to record (default: guessed from the extension)')
    .action(
      action(async (file: string, opts: { name?: string; mediaType?: string }, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await uploadFile(client, file, { ...opts, progress: progressWanted(json) })
          if (json) return printMessage(a2a.PutBlobResponse, res)
          printFields(artifactRows(res.artifact))
        }),
      ),
    )

  blob
    .command('get')
    .description('download a blob (from this daemon, or fetched from a peer first), to stdout or a file')
    .argument('<cid>', 'the blob CID (bafkrei…)')
    .option('-o, --output <file>', 'write to this file instead of standard output')
    .option('--from <did|name>', 'fetch from this agent when the blob is not held locally', '')
    .option(
      '--offset <n>',
      'start at this byte (resume); with -o, writes from that position',
      intOption(0),
      0,
    )
    .action(
      action(async (cid: string, opts: { output?: string; from: string; offset: number }, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          if (json && opts.output == null) throw new Error('--json prints the artifact; it needs -o <file>')
          let fh: FileHandle | undefined
          // A fresh download goes to a side file renamed over -o only once complete, so a failed one
          // leaves neither an empty file nor a half-overwritten old one. Resuming (--offset) writes
          // into the existing file at the offset.
          const partial = opts.output != null && opts.offset === 0 ? `${opts.output}.partial` : undefined
          if (opts.output != null) {
            fh =
              partial != null
                ? await open(partial, 'w')
                : await open(opts.output, 'r+').catch(() => open(opts.output as string, 'w'))
          }
          let artifact: types.Artifact | undefined
          let written = 0
          // Progress only when the content goes to a file: on stdout it would mix with the content's
          // terminal output (and stderr progress for a pipe is what people expect from curl, not here).
          let progress: ReturnType<typeof createTransferProgress> | undefined
          const abort = new AbortController()
          const stdout = fh == null ? stdoutSink() : undefined
          try {
            for await (const res of client.a2a.getBlob(
              { cid, offset: opts.offset, from: opts.from },
              { signal: abort.signal },
            )) {
              artifact ??= res.artifact
              progress ??= createTransferProgress(
                `get ${cid.slice(0, 12)}…`,
                artifact != null ? artifact.size - opts.offset : undefined,
                fh != null && progressWanted(json),
              )
              if (res.chunk.length === 0) continue
              if (fh != null) await fh.write(res.chunk, 0, res.chunk.length, res.offset)
              else if (!(await stdout?.write(res.chunk))) {
                abort.abort()
                break
              }
              written += res.chunk.length
              progress.add(res.chunk.length)
            }
            progress?.end()
            await fh?.sync()
            await fh?.close()
            fh = undefined
            if (partial != null) await rename(partial, opts.output as string)
          } catch (err) {
            progress?.end()
            await fh?.close()
            if (partial != null) await rm(partial, { force: true })
            // The daemon names the RPC field; on the command line it is the --from flag.
            if (err instanceof MoltmeshError && err.reason === 'BLOB_NOT_FOUND')
              err.message = err.message.replace(
                '(give `from`)',
                '(fetch it from an agent that holds it: add --from <did|name>)',
              )
            throw err
          }
          if (opts.output == null) return
          if (json) return printMessage(types.Artifact, artifact ?? types.Artifact.fromPartial({}))
          printFields([
            ...artifactRows(artifact),
            ['Written', `${formatBytes(written)} from offset ${opts.offset}`],
            ['File', opts.output],
          ])
        }),
      ),
    )

  blob
    .command('stat')
    .description('describe a blob held by this daemon')
    .argument('<cid>', 'the blob CID')
    .action(
      action(async (cid: string, _opts: unknown, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.a2a.statBlob({ cid })
          if (json) return printMessage(a2a.StatBlobResponse, res)
          printFields([...artifactRows(res.artifact), ['References', res.references]])
        }),
      ),
    )

  blob
    .command('gc')
    .description('remove blobs that nothing references and whose grace period has passed')
    .option('--dry-run', 'only report what would be removed')
    .action(
      action(async (opts: { dryRun?: boolean }, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.a2a.collectBlobs({ dryRun: opts.dryRun === true })
          if (json) return printMessage(a2a.CollectBlobsResponse, res)
          const blobs = `${res.removed} blob${res.removed === 1 ? '' : 's'}`
          console.log(
            opts.dryRun === true
              ? `Would remove ${blobs}, freeing ${formatBytes(res.bytesFreed)}`
              : `Removed ${blobs}, freed ${formatBytes(res.bytesFreed)}`,
          )
        }),
      ),
    )
}
