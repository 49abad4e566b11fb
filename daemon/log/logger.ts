// Structured logging: pino, one child logger per component (`log.info({ peer }, 'connected')`).

import { pino } from 'pino'
import type { LogLevel } from '../config/options.ts'

export type Logger = pino.Logger

export function createLogger(level: LogLevel, bindings: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { pid: process.pid, ...bindings }, timestamp: pino.stdTimeFunctions.isoTime })
}

/** A logger that drops everything (unit tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' })
}
