// Structured logging: pino, one child logger per component (`log.info({ peer }, 'connected')`).

import { pino } from 'pino'
import type { LogLevel } from '../config/options.ts'
import { prettyLine } from './pretty-line.ts'

export type Logger = pino.Logger

export interface LoggerOptions {
  /**
   * Readable lines instead of JSON. Default: when stdout is a terminal (a person watching a
   * foreground daemon); files and pipes (`start --detach`, tests, log shippers) get JSON.
   */
  pretty?: boolean
}

export function createLogger(
  level: LogLevel,
  bindings: Record<string, unknown> = {},
  options: LoggerOptions = {},
): Logger {
  const settings = {
    level,
    base: { pid: process.pid, ...bindings },
    timestamp: pino.stdTimeFunctions.isoTime,
  }
  if (!(options.pretty ?? process.stdout.isTTY === true)) return pino(settings)
  // Synchronous, in this thread: each JSON line pino writes becomes one readable line.
  return pino(settings, {
    write(line: string) {
      process.stdout.write(`${prettyLine(line.trimEnd()).text}\n`)
    },
  })
}

/** A logger that drops everything (unit tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' })
}
