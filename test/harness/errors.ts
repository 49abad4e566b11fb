// Error assertions for tests that drive daemons through the SDK.
import { status } from '@grpc/grpc-js'
import { MoltmeshError } from '../../clients/ts/index.ts'

/** `STATUS:REASON` of the call's failure (e.g. `INVALID_ARGUMENT:INVALID_DID`); throws if it succeeds. */
export async function reasonOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (err) {
    if (err instanceof MoltmeshError) return `${status[err.code]}:${err.reason}`
    throw err
  }
  throw new Error('expected the call to fail')
}
