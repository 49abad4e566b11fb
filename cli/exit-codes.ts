// The CLI's exit codes, one table (documented in docs/cli.md#exit-codes). Scripts branch on them, so
// a number never changes meaning: a task that is not COMPLETED never exits 0.
import { types } from '../clients/ts/index.ts'

export const EXIT_OK = 0
/** The command failed, or the task it waited for ended FAILED, REJECTED or CANCELED. */
export const EXIT_FAILED = 1
/** No daemon answers on the socket. */
export const EXIT_NOT_RUNNING = 2
/** The CLI gave up waiting (`--timeout` passed): the task is still SUBMITTED or WORKING. */
export const EXIT_WAIT_TIMEOUT = 3
/** The task waits for the requester: INPUT_REQUIRED or AUTH_REQUIRED (answer with `task input`). */
export const EXIT_INPUT_REQUIRED = 4
/** Ctrl-C ended the wait (128 + SIGINT, as shells report it). */
export const EXIT_INTERRUPTED = 130

/** The exit code of a wait that ended with the task in `state`. */
export function taskExitCode(state: types.TaskState): number {
  switch (state) {
    case types.TaskState.TASK_STATE_COMPLETED:
      return EXIT_OK
    case types.TaskState.TASK_STATE_FAILED:
    case types.TaskState.TASK_STATE_REJECTED:
    case types.TaskState.TASK_STATE_CANCELED:
      return EXIT_FAILED
    case types.TaskState.TASK_STATE_INPUT_REQUIRED:
    case types.TaskState.TASK_STATE_AUTH_REQUIRED:
      return EXIT_INPUT_REQUIRED
    default:
      // SUBMITTED, WORKING or a state this CLI does not know: not done, so never success.
      return EXIT_WAIT_TIMEOUT
  }
}
