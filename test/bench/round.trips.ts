// Sequential round trips in a simulator log. Each call takes at least the injected latency, so a
// call that starts before the earliest-started call of the current round trip could have answered
// overlaps it and cannot have waited for it; a call that starts later opens the next round trip.

export function sequentialRoundTrips(entries: ReadonlyArray<{ at: number }>, latencyMs: number): number {
  let trips = 0;
  let roundEnd = Number.NEGATIVE_INFINITY;
  for (const at of entries.map((e) => e.at).sort((a, b) => a - b)) {
    if (at < roundEnd) continue;
    trips += 1;
    roundEnd = at + latencyMs;
  }
  return trips;
}
