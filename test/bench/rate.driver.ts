// Open-loop, fixed-rate load for the latency phase. Each task gets one request every 1/rate s,
// whatever is still in flight (no coordinated omission), with the tasks' schedules interleaved
// (task k is offset by k/(tasks·rate)), so the gateway and the direct client are measured side by
// side under the same machine conditions. Each latency is taken with process.hrtime.bigint()
// around the whole request, body parsed; requests scheduled during the lead-in are not recorded.

export interface TimedTask {
  name: string;
  /**
   * One request; n counts this task's requests from 0. Rejects on any failure. `recorded` says
   * whether it is timed (false during the lead-in), for tasks that keep their own records too.
   */
  run(n: number, recorded: boolean): Promise<unknown>;
}

export interface DriveOptions {
  ratePerSecond: number;
  leadInMs: number;
  measureMs: number;
  tasks: TimedTask[];
  /** How long to wait for requests still in flight at the end. */
  drainMs?: number;
}

export interface TaskSamples {
  latenciesMs: number[];
  sent: number;
  errors: number;
  firstError?: string;
}

export interface DriveResult {
  byTask: Map<string, TaskSamples>;
  /** How late requests left compared with their schedule (load generator health), in ms. */
  dispatchLagP99Ms: number;
}

export async function driveFixedRate(options: DriveOptions): Promise<DriveResult> {
  const { tasks } = options;
  const periodMs = 1000 / options.ratePerSecond;
  const stepMs = periodMs / tasks.length;
  const byTask = new Map<string, TaskSamples>(tasks.map((t) => [t.name, { latenciesMs: [], sent: 0, errors: 0 }]));
  const inflight = new Set<Promise<void>>();
  const lags: number[] = [];

  const origin = now() + 20;
  const measureFrom = origin + options.leadInMs;
  const end = measureFrom + options.measureMs;
  for (let slot = 0; ; slot++) {
    const due = origin + slot * stepMs;
    if (due >= end) break;
    const wait = due - now();
    if (wait > 0) await sleep(wait);
    const task = tasks[slot % tasks.length]!;
    const n = Math.floor(slot / tasks.length);
    const samples = byTask.get(task.name)!;
    const record = due >= measureFrom;
    const started = process.hrtime.bigint();
    if (record) {
      lags.push(now() - due);
      samples.sent += 1;
    }
    const request: Promise<void> = task.run(n, record).then(
      () => {
        if (record) samples.latenciesMs.push(Number(process.hrtime.bigint() - started) / 1e6);
      },
      (error: unknown) => {
        if (!record) return;
        samples.errors += 1;
        samples.firstError ??= error instanceof Error ? error.message : String(error);
      },
    );
    inflight.add(request);
    void request.finally(() => inflight.delete(request));
  }

  await Promise.race([Promise.allSettled([...inflight]), sleep(options.drainMs ?? 15_000)]);
  lags.sort((a, b) => a - b);
  return { byTask, dispatchLagP99Ms: lags[Math.max(0, Math.ceil(lags.length * 0.99) - 1)] ?? 0 };
}

function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
