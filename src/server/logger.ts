import { pino, type DestinationStream } from 'pino';
import type { LogLevel } from '../config.js';
import { currentRequest } from './request.context.js';

// JSON lines through pino: one line per event (`level`, `time`, `msg` and the detail's fields),
// with the request id of the HTTP request being handled. Nothing secret goes in (callers scrub).

export interface Logger {
  /** Optional so a hand-written logger (a benchmark's) may leave it out; jsonLogger writes it below LOG_LEVEL=info. */
  debug?(message: string, detail?: Record<string, unknown>): void;
  info(message: string, detail?: Record<string, unknown>): void;
  warn(message: string, detail?: Record<string, unknown>): void;
  error(message: string, detail?: Record<string, unknown>): void;
}

// The line's own fields: a detail key of the same name is kept under another name, never over them.
const RESERVED = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'requestId']);

export function jsonLogger(stream: DestinationStream | NodeJS.WritableStream = process.stderr, level: LogLevel = 'info'): Logger {
  const log = pino(
    {
      level,
      // The request id comes after the detail, so no detail can claim another request's id.
      mixin: () => {
        const request = currentRequest();
        return request ? { requestId: request.requestId } : {};
      },
      mixinMergeStrategy: (detail, mixin) => Object.assign(detail, mixin),
    },
    stream as DestinationStream,
  );
  const write = (method: 'debug' | 'info' | 'warn' | 'error') => (message: string, detail?: Record<string, unknown>) => {
    if (!log.isLevelEnabled(method)) return;
    const fields: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(detail ?? {})) fields[RESERVED.has(key) ? `detail.${key}` : key] = value;
    log[method](fields, message);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/** For tests that assert on what would have been logged. */
export function memoryLogger(): Logger & { lines: Array<{ level: string; message: string; detail: Record<string, unknown> }> } {
  const lines: Array<{ level: string; message: string; detail: Record<string, unknown> }> = [];
  const push = (level: string) => (message: string, detail: Record<string, unknown> = {}) => lines.push({ level, message, detail });
  return { lines, debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
}
