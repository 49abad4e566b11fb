// One stream of daemon events (Ext/WatchEvents) shared by every view: a view that shows tasks
// reloads on task.* events, the inbox on message.*, and so on. Nothing polls what the bus reports.

import { useEffect, useRef } from 'preact/hooks'
import { stream } from './api.js'

const subscribers = new Set()
let close
const recent = []

export function startEvents() {
  close?.()
  close = stream('Ext/WatchEvents', {}, (item) => {
    const event = item.event ?? {}
    recent.push({ at: Date.now(), type: event.type ?? '' })
    while (recent.length > 0 && recent[0].at < Date.now() - 30 * 60_000) recent.shift()
    for (const fn of subscribers) fn(event)
  })
}

/** Events seen since the page opened (last 30 minutes), for the Overview's sparklines. */
export function recentEvents() {
  return recent
}

const matches = (prefixes, type) => prefixes.some((p) => type === p || type.startsWith(`${p}.`))

/** Calls fn(event) for daemon events whose type is, or starts with, one of the prefixes. */
export function useEvents(prefixes, fn) {
  const ref = useRef(fn)
  ref.current = fn
  useEffect(() => {
    const sub = (event) => {
      if (matches(prefixes, event.type ?? '')) ref.current(event)
    }
    subscribers.add(sub)
    return () => subscribers.delete(sub)
  }, [prefixes.join(',')])
}
