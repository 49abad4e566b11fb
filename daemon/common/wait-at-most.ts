// Waiting for work that goes on after the wait: an announcement with its own retries, a sync fanned
// out to peers. The caller gives up waiting after `ms`; the work itself is neither cancelled nor
// awaited further (its failures are its own to report).

/** Resolves when `work` settles or after `ms`, whichever is first; never rejects. */
export async function waitAtMost(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  await Promise.race([
    work.then(
      () => undefined,
      () => undefined,
    ),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms)
    }),
  ])
  clearTimeout(timer)
}
