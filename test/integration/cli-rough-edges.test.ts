// CLI rough edges a new user hit, through two real daemons: a priced skill without --max-price fails
// at once with the hint; a message to a DID nobody announced warns and can be canceled; ack of an
// unknown id is NOT_FOUND; message bodies from stdin, a file or as an artifact; networks by name; a
// failed `blob get -o` leaves no file and names --from.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { beforeAll, describe, expect, it } from 'vitest'
import { types } from '../../clients/ts/index.ts'
import { createIdentity } from '../../daemon/identity/identity.ts'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'
import { offerSkills } from '../harness/tasks.ts'

describe('CLI rough edges', () => {
  const mesh = useMesh()
  let a: DaemonProcess
  let b: DaemonProcess

  beforeAll(async () => {
    ;[a, b] = (await mesh.spawnMany(2)) as [DaemonProcess, DaemonProcess]
    await mesh.connectAll([a, b])
    await offerSkills(b, [
      { id: 'paid', price: '3' },
      { id: 'cheap', price: '1' },
    ])
  }, 60_000)

  it('a priced skill without a high enough --max-price fails before any task is created', async () => {
    // Independent commands run side by side: each CLI process costs a Node start.
    const [none, low, bad] = await Promise.all([
      a.cli('create-task', '--to', b.did, '--skill', 'paid', '-i', 'x'),
      a.cli('create-task', '--to', b.did, '--skill', 'cheap', '-i', 'x', '--max-price', '0.5'),
      a.cli('create-task', '--to', b.did, '--skill', 'cheap', '-i', 'x', '--max-price', 'abc'),
    ])
    expect(none.code).toBe(1)
    expect(none.stderr).toContain('skill "paid" costs 3 credits: add --max-price 3')
    expect(low.code).toBe(1)
    expect(low.stderr).toContain('skill "cheap" costs 1 credit, more than --max-price 0.5: raise it to 1')
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('--max-price "abc" is not a decimal amount')
    expect((await a.client.a2a.listTasks({})).tasks).toEqual([])
    // Enough: the task is offered (and stays SUBMITTED, nobody serves it).
    const ok = await a.cli(
      '--json',
      'create-task',
      '--to',
      b.did,
      '--skill',
      'paid',
      '-i',
      'x',
      '--max-price',
      '3',
    )
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.json<{ task: { state: string } }>().task.state).toBe('TASK_STATE_SUBMITTED')
  }, 30_000)

  it('a message to a DID nobody announced warns at send and `outbox cancel` stops it', async () => {
    const stranger = createIdentity(await generateKeyPair('Ed25519')).did
    const [sent, live, unknown] = await Promise.all([
      a.cli('send-message', '--to', stranger, '-m', 'hello?'),
      // A message to a known, connected agent: no warning.
      a.cli('send-message', '--to', b.did, '-m', 'hi'),
      a.cli('outbox', 'cancel', 'msg_nope'),
    ])
    expect(live.stderr).toBe('')
    expect(unknown.stderr).toContain('[MESSAGE_NOT_FOUND]')
    expect(sent.code, sent.stderr).toBe(0)
    expect(sent.stderr).toContain(`warning: no peer has announced ${stranger} yet; queued and retried for 3d`)
    const id = /Message ID\s+(msg_\w+)/.exec(sent.stdout)?.[1] as string
    expect(sent.stderr).toContain(`moltmesh outbox cancel ${id}`)
    const canceled = await a.cli('outbox', 'cancel', id)
    expect(canceled.code, canceled.stderr).toBe(0)
    expect(canceled.stdout).toMatch(/^Status\s+canceled/m)
    const msg = (await a.client.a2a.getMessage({ id })).message
    expect(msg).toMatchObject({ status: 6, lastError: 'CANCELED' }) // MESSAGE_STATUS_FAILED
    const again = await a.cli('outbox', 'cancel', id)
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('[MESSAGE_NOT_QUEUED]')
  }, 30_000)

  it('ack and mark-read of an unknown id are NOT_FOUND with exit 1; a real id still works', async () => {
    const [res, marked] = await Promise.all([
      a.cli('ack', 'msg_doesnotexist'),
      a.cli('mark-read', 'msg_doesnotexist'),
    ])
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('no received message with id msg_doesnotexist')
    expect(res.stderr).toContain('[MESSAGE_NOT_FOUND]')
    expect(marked.code).toBe(1)
    const { id } = await b.client.a2a.sendMessage({ to: a.did, parts: [{ text: 'ack me' }] })
    await waitFor(async () => (await a.client.a2a.getMessage({ id }).catch(() => undefined))?.message, 20_000)
    const ok = await a.cli('ack', id)
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.stdout.trim()).toBe('Acknowledged 1')
  }, 30_000)

  it('message bodies come from stdin or a file; too large says how to send an artifact', async () => {
    const file = join(a.home, 'body.txt')
    writeFileSync(file, 'from a file')
    const big = join(a.home, 'big.txt')
    writeFileSync(big, 'x'.repeat(1024 * 1024 + 10))
    const [piped, fromFile, tooBig, asArtifact] = await Promise.all([
      a.cliWithInput('line one\nline two\n', 'send-message', '--to', b.did, '-m', '-'),
      a.cli('--json', 'send-message', '--to', b.did, '--message-file', file),
      a.cli('send-message', '--to', b.did, '--message-file', big),
      a.cli('--json', 'send-message', '--to', b.did, '--file', big),
    ])
    expect(piped.code, piped.stderr).toBe(0)
    const pipedId = /Message ID\s+(msg_\w+)/.exec(piped.stdout)?.[1] as string
    const fileId = fromFile.json<{ id: string }>().id
    const texts = await waitFor(async () => {
      const got = await Promise.all([pipedId, fileId].map((id) => b.client.a2a.getMessage({ id })))
      return got.map((g) => g.message?.parts[0]?.text)
    }, 20_000)
    expect(texts).toEqual(['line one\nline two\n', 'from a file'])

    expect(tooBig.code).toBe(1)
    expect(tooBig.stderr).toContain('[PAYLOAD_TOO_LARGE]')
    expect(tooBig.stderr).toContain('send-message --to <agent> --file <path>')
    expect(asArtifact.code, asArtifact.stderr).toBe(0)
    const part = (await b.client.a2a.getMessage({ id: asArtifact.json<{ id: string }>().id })).message
      ?.parts[0]
    expect(part?.artifact?.name).toBe('big.txt')
    expect(part?.artifact?.cid).toMatch(/^bafk/)
  }, 30_000)

  it('network commands take a network by its name when it is unique here', async () => {
    const created = await a.client.ext.createNetwork({
      name: 'research-team',
      policy: types.NetworkPolicy.NETWORK_POLICY_OPEN,
    })
    const id = created.network?.id as string
    const [sent, members, missing] = await Promise.all([
      a.cli('network', 'broadcast', 'research-team', 'hello team'),
      a.cli('network', 'members', 'research-team'),
      a.cli('network', 'broadcast', 'no-such-team', 'x'),
    ])
    expect(sent.code, sent.stderr).toBe(0)
    expect(members.stdout).toContain(a.did)
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('no network named "no-such-team" is known here')
    // A second network with the same name makes the name ambiguous: the ids are listed.
    const id2 = (await a.client.ext.createNetwork({ name: 'research-team' })).network?.id as string
    const ambiguous = await a.cli('network', 'broadcast', 'research-team', 'x')
    expect(ambiguous.code).toBe(1)
    expect(ambiguous.stderr).toContain(`2 networks are named "research-team"`)
    expect(ambiguous.stderr).toContain(id)
    expect(ambiguous.stderr).toContain(id2)
  }, 30_000)

  it('a failed `blob get -o` leaves no file and its hint names --from', async () => {
    const out = join(a.home, 'copy.bin')
    const cid = 'bafkreihzooj55lsgmaveuoqpemrjdoecszlrebcyoshwchrjum6qzerwuy'
    const res = await a.cli('blob', 'get', cid, '-o', out)
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('--from <did|name>')
    expect(existsSync(out)).toBe(false)
    expect(existsSync(`${out}.partial`)).toBe(false)
    // An existing file is left as it was when the download fails.
    writeFileSync(out, 'keep me')
    expect((await a.cli('blob', 'get', cid, '-o', out, '--from', b.did)).code).toBe(1)
    expect(readFileSync(out, 'utf8')).toBe('keep me')
    // A successful download lands under the -o name.
    const put = await b.cli('--json', 'blob', 'put', join(a.home, 'body.txt'))
    const real = put.json<{ artifact: { cid: string } }>().artifact.cid
    const got = await a.cli('blob', 'get', real, '-o', out, '--from', b.did)
    expect(got.code, got.stderr).toBe(0)
    expect(readFileSync(out, 'utf8')).toBe('from a file')
    expect(existsSync(`${out}.partial`)).toBe(false)
  }, 30_000)
})
