// Public entry of the daemon library.
export type { DaemonConfig } from './config/options.ts'
export { createDaemon, type Daemon, type DaemonOptions } from './daemon.ts'
export { MoltmeshError } from './errors/moltmesh-error.ts'
export { runDaemonProcess } from './main.ts'
