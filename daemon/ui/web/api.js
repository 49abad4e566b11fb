// The workspace's only door to the daemon: /api/rpc (JSON, one gRPC method each), /api/sse (a
// server-streaming method as Server-Sent Events), /api/blob (artifact bytes). The session cookie is
// HttpOnly: this code never sees a credential after login.

export class ApiError extends Error {
  constructor(status, error) {
    super(error?.message ?? `HTTP ${status}`)
    this.status = status
    this.reason = error?.reason ?? 'HTTP_ERROR'
  }
}

const listeners = new Set()
/** Called with 'ok' | 'logged-out' | 'down' whenever the daemon's reachability changes. */
export function onConnectivity(fn) {
  listeners.add(fn)
  return () => listeners.delete(fn)
}
function report(state) {
  for (const fn of listeners) fn(state)
}

export async function rpc(method, request = {}) {
  let response
  try {
    response = await fetch(`/api/rpc/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    })
  } catch {
    report('down')
    throw new ApiError(0, { reason: 'DAEMON_UNREACHABLE', message: 'the daemon does not answer (stopped?)' })
  }
  const body = await response.json().catch(() => ({}))
  if (response.status === 401) report('logged-out')
  else report('ok')
  if (!response.ok) throw new ApiError(response.status, body.error)
  return body
}

export async function login(token) {
  const response = await fetch('/api/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  })
  return response.ok
}

/**
 * Opens a server stream. onItem gets each response; onEnd gets an error (or undefined when the
 * stream ended normally). Returns a function that closes it.
 */
export function stream(method, request, onItem, onEnd = () => {}) {
  const url = `/api/sse/${method}?request=${encodeURIComponent(JSON.stringify(request ?? {}))}`
  const source = new EventSource(url)
  let done = false
  const finish = (err) => {
    if (done) return
    done = true
    source.close()
    onEnd(err)
  }
  source.onmessage = (e) => onItem(JSON.parse(e.data))
  source.addEventListener('end', () => finish(undefined))
  source.addEventListener('rpc-error', (e) => {
    const body = JSON.parse(e.data)
    finish(new ApiError(500, body.error))
  })
  // A dropped connection is retried by EventSource itself; report it meanwhile.
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) finish(new ApiError(0, { reason: 'STREAM_CLOSED' }))
    else report('down')
  }
  source.onopen = () => report('ok')
  return () => finish(undefined)
}

export const blobUrl = (cid, name) =>
  `/api/blob/${encodeURIComponent(cid)}?name=${encodeURIComponent(name || cid)}`
