// What a user reads when the P2P host cannot listen. libp2p reports every failed address in one long
// message (with stack traces and its own option names, e.g. `transportManager.faultTolerance`);
// the common cause is a port already taken, which deserves one plain line and the flag that fixes it.

export interface ListenFailure {
  /** One line for the user. */
  message: string
  /** The port that is in use, when that is the cause. */
  portInUse?: number
}

const IN_USE = /(\/ip[46]\/[^\s:]+\/(?:tcp|udp)\/(\d+)[^\s:]*): Error: listen EADDRINUSE/

export function describeListenFailure(err: unknown, configuredPort: number): ListenFailure {
  const text = err instanceof Error ? err.message : String(err)
  if (text.includes('EADDRINUSE')) {
    const m = IN_USE.exec(text)
    const port = m?.[2] != null ? Number(m[2]) : configuredPort
    return { message: `port ${port} is in use: choose another with --port (0 = any)`, portInUse: port }
  }
  // Otherwise the first failed address with the first line of its error, without stack frames.
  const first = /(\/ip[46]\/\S+): (?:Error: )?([^\n]+)/.exec(text)
  const why = first != null ? `${first[1]}: ${first[2]}` : (text.split('\n')[0] ?? text)
  return { message: `cannot listen on ${why.trim()}` }
}
