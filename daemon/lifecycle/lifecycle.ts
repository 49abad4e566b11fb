// Starts subsystems in the order they are given and stops them in reverse. start() starts one at
// once (later subsystems may need it running: the P2P host before its protocols), so a failure half
// way leaves exactly the started ones to stop. stop() first calls every beforeStop (reverse order),
// then every stop (reverse order); a failing stop is logged and the others still run.

import type { Logger } from '../log/logger.ts'
import type { Startable } from './startable.ts'

export interface Lifecycle {
  /** Starts `component` now and records it under `name`; returns it for the next subsystems. */
  start<T extends Startable>(name: string, component: T): Promise<T>
  /** Calls afterStart of every started subsystem, in start order. */
  afterStart(): Promise<void>
  /** Stops every started subsystem in reverse order; safe to call more than once. */
  stop(): Promise<void>
  /** Names of the started subsystems, in start order. */
  started(): string[]
}

export function createLifecycle(logger: Pick<Logger, 'warn' | 'debug'>): Lifecycle {
  const running: Array<{ name: string; component: Startable }> = []
  let stopping = false

  return {
    async start(name, component) {
      if (stopping) throw new Error(`cannot start ${name}: the daemon is stopping`)
      const began = performance.now()
      await component.start()
      if (stopping) {
        // A stop began while this one was starting (a signal during start): it is not left running.
        await component.stop()
        throw new Error(`${name} started while the daemon was stopping`)
      }
      running.push({ name, component })
      // With the time it took: a slow start shows which subsystem to look at.
      logger.debug({ subsystem: name, ms: Math.round(performance.now() - began) }, 'started')
      return component
    },

    async afterStart() {
      for (const { component } of running) await component.afterStart?.()
    },

    async stop() {
      stopping = true
      const reversed = running.splice(0).reverse()
      for (const { name, component } of reversed)
        await Promise.resolve()
          .then(() => component.beforeStop?.())
          .catch((err: unknown) => logger.warn({ err, subsystem: name }, 'before-stop failed'))
      for (const { name, component } of reversed) {
        await Promise.resolve()
          .then(() => component.stop())
          .catch((err: unknown) => logger.warn({ err, subsystem: name }, 'stop failed'))
        logger.debug({ subsystem: name }, 'stopped')
      }
    },

    started: () => running.map((r) => r.name),
  }
}
