// JSON lines on stderr: one line per event, machine-readable, nothing secret (callers scrub).

export interface Logger {
  info(message: string, detail?: Record<string, unknown>): void;
  warn(message: string, detail?: Record<string, unknown>): void;
  error(message: string, detail?: Record<string, unknown>): void;
}

export function jsonLogger(stream: NodeJS.WritableStream = process.stderr): Logger {
  const write = (level: string) => (message: string, detail: Record<string, unknown> = {}) => {
    stream.write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...detail })}\n`);
  };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}

/** For tests that assert on what would have been logged. */
export function memoryLogger(): Logger & { lines: Array<{ level: string; message: string; detail: Record<string, unknown> }> } {
  const lines: Array<{ level: string; message: string; detail: Record<string, unknown> }> = [];
  const push = (level: string) => (message: string, detail: Record<string, unknown> = {}) => lines.push({ level, message, detail });
  return { lines, info: push('info'), warn: push('warn'), error: push('error') };
}
