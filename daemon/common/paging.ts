// Paging shared by every list RPC (messages, tasks, ledger, webhooks, networks): one default and
// one cap for page sizes, and one cursor format, so every API pages the same way.

import { invalidArgument } from '../errors/moltmesh-error.ts'

export const DEFAULT_PAGE_SIZE = 50
export const MAX_PAGE_SIZE = 1000

export function pageSize(requested: number): number {
  if (requested < 0) throw invalidArgument('INVALID_ARGUMENT', 'page_size must not be negative')
  return requested === 0 ? DEFAULT_PAGE_SIZE : Math.min(requested, MAX_PAGE_SIZE)
}

/** Page tokens and cursors are the decimal sequence number of the last item seen. */
export function parseCursor(token: string, field: string): number {
  if (token === '') return 0
  if (!/^\d{1,16}$/.test(token))
    throw invalidArgument('INVALID_CURSOR', `${field} "${token}" is not a valid cursor`)
  return Number(token)
}
