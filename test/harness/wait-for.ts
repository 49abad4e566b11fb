// Waiting on a condition instead of sleeping: tests poll what they expect to become true, so they are
// as fast as the code allows and still pass on a loaded machine.

/** Polls `check` (every `intervalMs`) until it returns a truthy value or the timeout passes. */
export async function waitFor<T>(
  check: () => Promise<T> | T,
  timeoutMs = 20_000,
  what = 'condition',
  intervalMs = 100,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < deadline) {
    try {
      const value = await check()
      if (value) return value as NonNullable<T>
    } catch (err) {
      last = err
    }
    await new Promise((r) => setTimeout(r, intervalMs))
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${last != null ? `: ${String(last)}` : ''}`,
  )
}

/**
 * Resolves once the daemon has started handling every call issued before this one on `client`: it
 * takes the calls of one connection in order, and a streaming handler subscribes to its events before
 * its first await. So a stream opened before `callsReached` is registered when it returns, and a
 * long call issued before it is under way. (Health answers at once.)
 */
export async function callsReached(client: {
  diag: { health(req: object): Promise<unknown> }
}): Promise<void> {
  await client.diag.health({})
}
