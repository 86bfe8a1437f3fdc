import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Starts the bench's children (`node --import tsx <file>`), waits for each one's JSON ready line,
// and makes sure none outlives the bench: killAll() is synchronous, for exit and signal handlers.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const STDERR_TAIL_LINES = 40;

export interface Child<T> {
  name: string;
  pid: number;
  ready: T;
  /** The last lines the child wrote to stderr, for error reports. */
  stderrTail(): string;
  /** Writes one line to the child's stdin (a command the child understands). */
  send(line: string): void;
  /** SIGTERM, then SIGKILL after a grace period (long enough to write a CPU profile); resolves when the child has exited. */
  stop(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
  readyTimeoutMs?: number;
}

export class ProcessSupervisor {
  private readonly children = new Set<ChildProcess>();

  async start<T>(name: string, script: string, options: StartOptions = {}): Promise<Child<T>> {
    const file = fileURLToPath(new URL(script, import.meta.url));
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', file], {
      cwd: ROOT,
      env: { ...process.env, ...options.env },
      // stdin stays open: the child exits when it closes, i.e. when this process is gone.
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));

    const tail: string[] = [];
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      tail.push(...chunk.split('\n').filter(Boolean));
      if (tail.length > STDERR_TAIL_LINES) tail.splice(0, tail.length - STDERR_TAIL_LINES);
    });
    const stderrTail = () => tail.join('\n');

    const ready = await new Promise<T>((resolve, reject) => {
      let buffer = '';
      const timer = setTimeout(() => fail(new Error(`${name} was not ready within ${options.readyTimeoutMs ?? 60_000} ms`)), options.readyTimeoutMs ?? 60_000);
      const fail = (error: Error) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`${error.message}\n--- ${name} stderr ---\n${stderrTail()}`));
      };
      const onExit = (code: number | null, signal: string | null) => fail(new Error(`${name} exited before it was ready (code ${code}, signal ${signal})`));
      child.once('exit', onExit);
      child.once('error', fail);
      child.stdout!.setEncoding('utf8').on('data', function onData(chunk: string) {
        buffer += chunk;
        const complete = buffer.split('\n').slice(0, -1);
        const line = complete.find((l) => l.startsWith('{'));
        if (!line) return;
        child.stdout!.off('data', onData);
        child.off('exit', onExit);
        clearTimeout(timer);
        try {
          resolve(JSON.parse(line) as T);
        } catch (error) {
          fail(error as Error);
        }
      });
    });
    // Keep draining stdout so a chatty child never blocks on a full pipe.
    child.stdout!.resume();

    return {
      name,
      pid: child.pid!,
      ready,
      stderrTail,
      send: (line) => child.stdin!.write(`${line}\n`),
      stop: () => stopChild(child),
    };
  }

  /** Synchronous SIGKILL of every child still running. */
  killAll(): void {
    for (const child of this.children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    this.children.clear();
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.children].map((child) => stopChild(child)));
  }
}

function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
