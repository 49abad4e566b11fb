// One stream of daemon events (Ext/WatchEvents) shared by every view: a view that shows tasks
// reloads on task.* events, the inbox on message.*, and so on. Nothing polls what the bus reports.

import { useEffect, useRef } from 'preact/hooks'
import { stream } from './api.js'

const subscribers = new Set()
let close

export function startEvents() {
  close?.()
  close = stream('Ext/WatchEvents', {}, (item) => {
    const event = item.event ?? {}
    for (const fn of subscribers) fn(event)
  })
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
