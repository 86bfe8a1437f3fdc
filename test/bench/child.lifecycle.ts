// Shared by the bench's child processes: one JSON "ready" line on stdout for the parent, and no
// way to outlive it (stdin closes when the parent dies, even by SIGKILL; signals; a hard deadline).

/** A child never runs longer than this, whatever happens to the parent. */
const CHILD_DEADLINE_MS = 6 * 60_000;

export function reportReady(info: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid, ...info })}\n`);
}

/** Runs `stop` once, then exits, on SIGINT/SIGTERM, on the parent's end, or at the deadline; `onLine` gets the parent's commands. */
export function exitWithParent(stop: () => Promise<void>, onLine?: (line: string) => void): void {
  let stopping = false;
  const shutdown = (code: number) => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(code), 2_000);
    force.unref();
    stop().finally(() => process.exit(code));
  };
  process.once('SIGINT', () => shutdown(0));
  process.once('SIGTERM', () => shutdown(0));
  process.stdin.on('end', () => shutdown(0));
  process.stdin.on('error', () => shutdown(0));
  let pending = '';
  process.stdin.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) onLine?.(line.trim());
  });
  setTimeout(() => shutdown(3), CHILD_DEADLINE_MS).unref();
}
