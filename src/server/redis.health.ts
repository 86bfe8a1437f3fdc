import type { Redis } from 'ioredis';

// Whether the shared state can be used right now. Budgets, kept answers and shared in-flight calls
// ask this before each use, so a Redis that went away costs nothing but a fallback to this
// process's own state, and one that came back is used again from the next request, without a
// restart. A command that failed or timed out marks Redis unusable for a short while, so a slow
// Redis is not asked (and waited for) by every request.

const FAILURE_HOLD_MS = 2_000;

export type HealthState = { status: 'ok' } | { status: 'degraded'; reason: string };

export class RedisHealth {
  private failedAt = 0;
  private lastError = '';

  constructor(
    private readonly redis: Redis,
    /** How many replicas share the upstream limits: what each falls back to is 1/fleetSize of them. */
    private readonly fleetSize: number,
    private readonly now: () => number = Date.now,
  ) {
    redis.on('error', (error: Error) => this.failed(error));
  }

  /** True when the connection is up and no command failed in the last moments. */
  get available(): boolean {
    return this.redis.status === 'ready' && this.now() - this.failedAt > FAILURE_HOLD_MS;
  }

  /** Reports a failed command (timeout, connection reset): the shared state is skipped for a moment. */
  failed(error: unknown): void {
    this.failedAt = this.now();
    this.lastError = error instanceof Error ? error.message : String(error);
  }

  /** Runs a command against Redis, noting a failure before passing it on. */
  async use<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      this.failed(error);
      throw error;
    }
  }

  /** For /readyz: what this replica does while Redis is away. */
  state(): HealthState {
    if (this.available) return { status: 'ok' };
    const why = this.redis.status !== 'ready' ? `connection ${this.redis.status}` : 'a command failed';
    const detail = this.lastError ? `${why}: ${this.lastError}` : why;
    return {
      status: 'degraded',
      reason: `Redis is unavailable (${detail}); upstream budgets use this replica's share (1/${this.fleetSize} of each limit, FLEET_SIZE) and caches are local until it returns`,
    };
  }

  /** A readiness check (`/readyz`): degraded, not down, since the replica keeps serving. */
  readonly check = async (): Promise<HealthState> => this.state();
  readonly name = 'redis';
}
