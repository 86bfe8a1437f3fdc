import { spawn, type ChildProcess } from 'node:child_process';

// A throw-away Redis for tests that kill and restart it: `redis-server` in the foreground (not
// daemonized, so it dies with its handle), no persistence, loopback only, on a port of the test's
// choosing so a restart comes back at the same REDIS_URL.

export class RedisProcess {
  private child: ChildProcess | undefined;
  private readonly killOnExit = () => this.child?.kill('SIGKILL');

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts it and resolves once it accepts connections. */
  async start(): Promise<void> {
    if (this.child) throw new Error('redis-server is already running');
    const child = spawn('redis-server', ['--port', String(this.port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    process.once('exit', this.killOnExit);
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error('redis-server was not ready within 10 s')), 10_000);
      const fail = (error: Error) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`${error.message}\n${output}`));
      };
      child.once('error', fail);
      child.once('exit', (code) => fail(new Error(`redis-server exited with code ${code}`)));
      child.stdout!.setEncoding('utf8').on('data', function onData(chunk: string) {
        output += chunk;
        if (!output.includes('Ready to accept connections')) return;
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.removeAllListeners('exit');
        resolve();
      });
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    });
    // Keep draining its output so it never blocks on a full pipe.
    child.stdout!.resume();
  }

  /** SIGKILL, as a crash or a lost host would end it; resolves once it has exited. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    process.off('exit', this.killOnExit);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}
