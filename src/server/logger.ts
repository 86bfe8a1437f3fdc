// JSON lines on stderr: one line per event, machine-readable, nothing secret (callers scrub).

export interface Logger {
  info(message: string, detail?: Record<string, unknown>): void;
  warn(message: string, detail?: Record<string, unknown>): void;
  error(message: string, detail?: Record<string, unknown>): void;
}

export function jsonLogger(stream: NodeJS.WritableStream = process.stderr): Logger {
  const write = (level: string) => (message: string, detail: Record<string, unknown> = {}) => {
    // The event name and the line's own fields come last, so no detail key can overwrite them.
    stream.write(`${JSON.stringify({ ...detail, time: new Date().toISOString(), level, message })}\n`);
  };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}

/** For tests that assert on what would have been logged. */
export function memoryLogger(): Logger & { lines: Array<{ level: string; message: string; detail: Record<string, unknown> }> } {
  const lines: Array<{ level: string; message: string; detail: Record<string, unknown> }> = [];
  const push = (level: string) => (message: string, detail: Record<string, unknown> = {}) => lines.push({ level, message, detail });
  return { lines, info: push('info'), warn: push('warn'), error: push('error') };
}
