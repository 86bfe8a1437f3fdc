// The load test's verdict: requests served, error counts by code, crashes and memory growth; with
// --replicas, also each replica's memory and the 429s the simulators' documented limits answered.

export interface LoadResult {
  durationSeconds: number;
  clients: number;
  faultRate: number;
  requests: number;
  /** HTTP 200 responses whose body had data and no errors. */
  clean: number;
  /** GraphQL error codes seen, counted once per error. */
  errorsByCode: Record<string, number>;
  /** Responses that were not GraphQL JSON at all, or transport errors/timeouts of the load generator. */
  broken: number;
  crashes: number;
  rssStartMiB: number;
  rssEndMiB: number;
  /** Error codes the gateway should never produce under upstream faults. */
  unexpectedCodes: string[];
  /** Whether RSS growth is part of the verdict (not in short runs, where the heap is still settling). */
  judgeMemory: boolean;
  /** Gateway processes on one Redis (--replicas); absent in the single-process mode. rssStart/EndMiB are then their sums. */
  replicas?: ReplicaMemory[];
  /** 429s in the simulators' request logs over the whole run (their documented limits are on with --replicas). */
  upstream429s?: { bondora: number; bond: number };
}

export interface ReplicaMemory {
  name: string;
  rssStartMiB: number;
  rssPeakMiB: number;
}

export const MAX_RSS_GROWTH = 0.2;
/** Codes an upstream fault may legitimately turn into. */
export const EXPECTED_CODES = ['UPSTREAM_ERROR', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_TIMEOUT', 'RATE_LIMITED'];

export function rssGrowth(result: LoadResult): number {
  return (result.rssEndMiB - result.rssStartMiB) / result.rssStartMiB;
}

export function verdict(result: LoadResult): { pass: boolean; reasons: string[] } {
  const reasons: string[] = [];
  if (result.crashes > 0) reasons.push(`${result.crashes} gateway crash(es)`);
  if (result.judgeMemory && rssGrowth(result) >= MAX_RSS_GROWTH) reasons.push(`RSS grew ${(rssGrowth(result) * 100).toFixed(1)}% (limit ${MAX_RSS_GROWTH * 100}%)`);
  if (result.broken > 0) reasons.push(`${result.broken} response(s) were not GraphQL JSON`);
  if (result.unexpectedCodes.length > 0) reasons.push(`unexpected error codes: ${result.unexpectedCodes.join(', ')}`);
  if (result.clean === 0) reasons.push('no request succeeded');
  const overran = result.upstream429s ? result.upstream429s.bondora + result.upstream429s.bond : 0;
  if (overran > 0) reasons.push(`${overran} 429(s) from the simulators' limits: the replicas overran a shared budget`);
  return { pass: reasons.length === 0, reasons };
}

export function formatReport(result: LoadResult): string {
  const { pass, reasons } = verdict(result);
  const codes = Object.entries(result.errorsByCode)
    .sort((a, b) => b[1] - a[1])
    .map(([code, n]) => `${code} ${n}`)
    .join(', ');
  const fleet = result.replicas;
  const over = fleet ? ` over ${fleet.length} replicas on one Redis` : '';
  return [
    `| measure | value |`,
    `|---|---|`,
    `| load | ${result.clients} concurrent clients${over} for ${result.durationSeconds} s, ${(result.faultRate * 100).toFixed(0)}% upstream faults per route |`,
    `| requests served | ${result.requests} (${(result.requests / result.durationSeconds).toFixed(0)}/s) |`,
    `| clean responses | ${result.clean} (${((result.clean / Math.max(1, result.requests)) * 100).toFixed(1)}%) |`,
    `| errors by code | ${codes || 'none'} |`,
    `| broken responses | ${result.broken} |`,
    `| crashes | ${result.crashes} |`,
    ...(result.upstream429s ? [`| 429s from the simulators | Bondora ${result.upstream429s.bondora}, Bond ${result.upstream429s.bond} |`] : []),
    `| ${fleet ? 'fleet RSS (sum) start / end' : 'gateway RSS start / end'} | ${result.rssStartMiB.toFixed(1)} MiB / ${result.rssEndMiB.toFixed(1)} MiB (${(rssGrowth(result) * 100).toFixed(1)}%${result.judgeMemory ? '' : ', not judged in a short run'}) |`,
    ...(fleet ?? []).map((r) => `| ${r.name} RSS start / peak | ${r.rssStartMiB.toFixed(1)} MiB / ${r.rssPeakMiB.toFixed(1)} MiB |`),
    `| verdict | ${pass ? 'PASS' : `FAIL: ${reasons.join('; ')}`} |`,
  ].join('\n');
}
