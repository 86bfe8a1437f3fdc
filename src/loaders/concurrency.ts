/**
 * Maps items through fn with at most `limit` calls in flight, keeping input order. A failed item
 * yields its Error in place, which is how DataLoader reports per-key failures.
 */
export async function mapSettledLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<Array<R | Error>> {
  const results = new Array<R | Error>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index]!);
      } catch (error) {
        results[index] = error instanceof Error ? error : new Error(String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Runs fn once and shares its promise until reset; a rejection is not kept, so a retry can succeed. */
export class Memo<T> {
  private promise: Promise<T> | undefined;

  /** `shared: false` runs fn on every get (the naive-resolver mode of the benchmark). */
  constructor(
    private readonly fn: () => Promise<T>,
    private readonly shared = true,
  ) {}

  get(): Promise<T> {
    if (!this.shared) return this.fn();
    if (!this.promise) {
      this.promise = this.fn();
      this.promise.catch(() => (this.promise = undefined));
    }
    return this.promise;
  }

  reset(): void {
    this.promise = undefined;
  }
}
