// Helpers for messaging tests: send text through the SDK, read a daemon's whole inbox.
import { types } from '../../clients/ts/index.ts'
import type { DaemonProcess } from './daemon-process.ts'

export const text = (t: string) => [types.Part.fromPartial({ text: t })]

export async function sendText(
  from: DaemonProcess,
  to: string,
  t: string,
  extra: Record<string, unknown> = {},
) {
  return from.client.a2a.sendMessage({ to, parts: text(t), ...extra })
}

/** Every message in the inbox, oldest first (follows page tokens). */
export async function allInbox(d: DaemonProcess): Promise<types.Message[]> {
  const out: types.Message[] = []
  let pageToken = ''
  do {
    const page = await d.client.a2a.getInbox({ pageSize: 1000, pageToken })
    out.push(...page.messages)
    pageToken = page.nextPageToken
  } while (pageToken !== '')
  return out
}

export async function outboxCount(d: DaemonProcess, status: types.MessageStatus): Promise<number> {
  let n = 0
  let pageToken = ''
  do {
    const page = await d.client.a2a.getOutbox({ status, pageSize: 1000, pageToken })
    n += page.messages.length
    pageToken = page.nextPageToken
  } while (pageToken !== '')
  return n
}

export const textsOf = (messages: types.Message[]) => messages.map((m) => m.parts[0]?.text)
