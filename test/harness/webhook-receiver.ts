// A real HTTP server receiving webhooks, as a backend would: it checks both signatures of every
// request (v1 HMAC with the secret, v1a Ed25519 against the sending agent's DID) and answers with
// whatever status the test sets.

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { verifyDidSignature } from '../../daemon/identity/did.ts'
import { signedContent, verifyHmac } from '../../daemon/webhooks/signing.ts'

export interface ReceivedWebhook {
  id: string
  timestamp: string
  headers: IncomingHttpHeaders
  body: string
  json: { type: string; timestamp: string; data: Record<string, unknown> }
  hmacValid: boolean
  ed25519Valid: boolean
  at: number
}

export interface Reply {
  status: number
  headers?: Record<string, string>
}

export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = []
  /** Every request, including refused ones (answered with a non-2xx status). */
  readonly attempts: ReceivedWebhook[] = []
  secret = ''
  senderDid = ''
  reply: (req: ReceivedWebhook) => Reply = () => ({ status: 204 })
  private server: Server | undefined

  get url(): string {
    if (this.server == null) throw new Error('receiver not started')
    const port = (this.server.address() as AddressInfo).port
    return `http://127.0.0.1:${port}/hooks`
  }

  /** Listens on `port` (0 = any free one; a port again after stop() to come back at the same URL). */
  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        void this.handle(req.headers, Buffer.concat(chunks).toString('utf8')).then((reply) => {
          res.writeHead(reply.status, reply.headers)
          res.end()
        })
      })
    })
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve))
    return this
  }

  private async handle(headers: IncomingHttpHeaders, body: string): Promise<Reply> {
    const id = String(headers['webhook-id'] ?? '')
    const timestamp = String(headers['webhook-timestamp'] ?? '')
    const signature = String(headers['webhook-signature'] ?? '')
    const v1a = signature.split(' ').find((s) => s.startsWith('v1a,'))
    const ed25519Valid =
      v1a != null && this.senderDid !== ''
        ? await verifyDidSignature(
            this.senderDid,
            signedContent(id, Number(timestamp), body),
            Buffer.from(v1a.slice(4), 'base64'),
          )
        : false
    const got: ReceivedWebhook = {
      id,
      timestamp,
      headers,
      body,
      json: JSON.parse(body) as ReceivedWebhook['json'],
      hmacValid: this.secret !== '' && verifyHmac(this.secret, id, timestamp, body, signature),
      ed25519Valid,
      at: Date.now(),
    }
    this.attempts.push(got)
    const reply = this.reply(got)
    if (reply.status >= 200 && reply.status < 300) this.received.push(got)
    return reply
  }

  ofType(type: string): ReceivedWebhook[] {
    return this.received.filter((r) => r.json.type === type)
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections()
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve())
  }
}
