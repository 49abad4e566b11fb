// A webhook-driven backend: an HTTP server that registers itself as a webhook of the local daemon,
// verifies every POST's Standard Webhooks signature (v1, HMAC-SHA256 with the secret the daemon
// returned) and replies to each message the agent receives. No gRPC stream stays open: the daemon
// queues and retries deliveries while the backend is down.
//
//   MOLTMESH_SOCKET=~/.moltmesh/moltmesh.sock npm run example examples/ts/webhook-backend.ts [port]
//
// Outside this repository, import from '@moltmesh/client' instead of the relative path.
import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createClient, textOf, types } from '../../clients/ts/index.ts'

const client = createClient()
const port = Number(process.argv[2] ?? 0)

/** Standard Webhooks v1: base64 HMAC-SHA256 of `id.timestamp.body`, keyed with the decoded secret. */
function verified(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  body: string,
): boolean {
  const id = String(headers['webhook-id'] ?? '')
  const timestamp = String(headers['webhook-timestamp'] ?? '')
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false // replay window: 5 minutes
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64')
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest()
  return String(headers['webhook-signature'] ?? '')
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .some((s) => {
      const got = Buffer.from(s.slice(3), 'base64')
      return got.length === expected.length && timingSafeEqual(got, expected)
    })
}

let secret = ''
const server = createServer((req, res) => {
  let body = ''
  req.setEncoding('utf8')
  req.on('data', (chunk: string) => {
    body += chunk
  })
  req.on('end', () => {
    if (!verified(secret, req.headers, body)) {
      res.writeHead(401).end()
      console.log('refused a request with a bad signature')
      return
    }
    res.writeHead(204).end() // answer fast; the work happens after
    const event = JSON.parse(body) as { type: string; data: { message?: unknown } }
    console.log(`event ${event.type}`)
    if (event.type !== 'message.received' || event.data.message == null) return
    const message = types.Message.fromJSON(event.data.message)
    console.log(`message from ${message.from}: ${textOf(message.parts)}`)
    void client.messages
      .send({
        to: message.from,
        threadId: message.threadId,
        replyTo: message.id,
        parts: [{ text: `got it: ${textOf(message.parts)}` }],
      })
      .catch((err: Error) => console.error(`reply failed: ${err.message}`))
  })
})
server.listen(port, '127.0.0.1')
await new Promise((r) => server.once('listening', r))
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`
const created = await client.webhooks.create({
  url,
  events: ['message.received'],
  description: 'example backend',
})
secret = created.secret
console.log(`listening on ${url} as webhook ${created.webhook?.id}`)

const shutdown = async () => {
  // Remove the webhook so the daemon stops queueing deliveries for a backend that is gone.
  await client.webhooks.delete({ id: created.webhook?.id ?? '' }).catch(() => undefined)
  server.close()
  client.close()
}
process.once('SIGINT', shutdown)
process.once('SIGTERM', shutdown)
