/**
 * The one pino logger every Parley module writes through.
 *
 * Levels: lifecycle at info, a peer's misbehaviour at warn, our own faults at error, message
 * bodies and credential contents only at debug. Key material is never passed to the logger;
 * the redaction list below is a second line of defence, not the first.
 */
import { pino, type Logger, type LoggerOptions } from 'pino'

export type { Logger } from 'pino'

/** Field paths blanked wherever they occur, in case a caller passes more than it should. */
const REDACTED_PATHS = [
  'privateKeyHex',
  '*.privateKeyHex',
  'secret',
  '*.secret',
  'd',
  '*.d',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers',
  '*.headers',
  'req.headers',
]

/** Options for {@link createLogger}. */
export interface CreateLoggerOptions {
  /** pino level; `silent` turns logging off. Defaults to `PARLEY_LOG_LEVEL` or `info`. */
  level?: string
  /** A name bound to every line, usually the agent's label. */
  name?: string
  /** A file to append JSON lines to instead of standard output. */
  file?: string
}

/** Creates the root logger of one agent. */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const pinoOptions: LoggerOptions = {
    level: options.level ?? process.env['PARLEY_LOG_LEVEL'] ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base:
      options.name === undefined ? { pid: process.pid } : { pid: process.pid, agent: options.name },
  }

  if (options.file !== undefined) {
    return pino(pinoOptions, pino.destination({ dest: options.file, mkdir: true, sync: false }))
  }

  return pino(pinoOptions)
}

/** A logger that writes nothing, for tests and library use without a configured logger. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' })
}
