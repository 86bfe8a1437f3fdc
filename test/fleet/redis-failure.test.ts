import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessSupervisor } from '../bench/process.supervisor.js';
import type { GraphQLResponse } from '../support/gateway.harness.js';
import { freePort, startFleet, startReplicas, type Fleet, type ReadyzBody, type Replica } from './fleet.harness.js';
import { RedisProcess } from './redis.process.js';

// Redis is what makes three replicas one gateway, and it can fail. While it is gone every replica
// keeps serving on a local share of each upstream budget (limit / FLEET_SIZE) and says so on
// /readyz; when it is back the replicas share again within seconds. A Redis that cannot be reached
// at start-up is a configuration problem: start-up fails, naming REDIS_URL.

/** `liabilities` is detail-only: one GET /auction/{id} (1/s per token) per operation. */
const AUCTION = 'query ($id: ID!) { auction(id: $id) { id rating liabilities { creditor } } }';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls /readyz until `done` holds or `ms` pass; returns the last answer either way. */
async function readyzUntil(fleet: Fleet, replica: Replica, done: (body: ReadyzBody | undefined) => boolean, ms: number) {
  const deadline = Date.now() + ms;
  for (;;) {
    const answer = await fleet.readyz(replica).catch((error: unknown) => ({ status: 0, body: undefined, error: String(error) }));
    if (done(answer.body) || Date.now() > deadline) return answer;
    await sleep(250);
  }
}

const errorCodes = (results: Array<GraphQLResponse<unknown>>) => results.flatMap((r) => (r.errors ?? []).map((e) => e.extensions?.code ?? `HTTP ${r.status}`));

describe('Redis fails at run time', () => {
  let redis: RedisProcess;
  let fleet: Fleet;
  beforeAll(async () => {
    redis = new RedisProcess(await freePort());
    await redis.start();
    fleet = await startFleet({ redisUrl: redis.url, env: { FLEET_SIZE: '3' } });
  }, 120_000);
  afterAll(async () => {
    await fleet?.stop();
    await redis?.kill();
  }, 60_000);

  const roundRobin = (i: number): Replica => fleet.replicas[i % fleet.replicas.length]!;

  it('keeps serving while Redis is down: no failure but RATE_LIMITED, no 429 upstream, /readyz degraded naming Redis', async () => {
    const ids = fleet.bondora.activeAuctions.slice(20).map((a) => a.AuctionId);
    await sleep(1100);
    fleet.resetTraffic();
    // A steady stream under Bondora's 1/s for auction.get: one operation every 1.1 s, round robin,
    // so each replica's local share (one call per 3 s) also keeps up once Redis is gone.
    const sent: Array<Promise<{ at: number; result: GraphQLResponse<{ auction: { id: string } }> }>> = [];
    let n = 0;
    const send = () => {
      const i = n++;
      const at = Date.now();
      sent.push(fleet.gql<{ auction: { id: string } }>(roundRobin(i), AUCTION, { id: ids[i % ids.length] }).then((result) => ({ at, result })));
    };
    send();
    const stream = setInterval(send, 1100);
    try {
      await sleep(4000);
      await redis.kill();
      const killedAt = Date.now();
      const readiness = await Promise.all(fleet.replicas.map((r) => readyzUntil(fleet, r, (b) => b?.status === 'degraded', 15_000)));
      await sleep(Math.max(0, killedAt + 9000 - Date.now()));
      clearInterval(stream);
      const outcomes = await Promise.all(sent);
      const results = outcomes.map((o) => o.result);

      expect(results.filter((r) => r.status !== 200)).toEqual([]);
      expect(errorCodes(results).filter((code) => code !== 'RATE_LIMITED')).toEqual([]);
      // It really served without Redis: operations sent a second after the kill answered with data.
      const afterKill = outcomes.filter((o) => o.at > killedAt + 1000);
      expect(afterKill.length).toBeGreaterThanOrEqual(5);
      expect(afterKill.filter((o) => o.result.data?.auction?.id).length).toBeGreaterThanOrEqual(afterKill.length - 1);
      expect(fleet.upstream429s()).toEqual({ bondora: 0, bond: 0 });

      for (const answer of readiness) {
        expect(answer.status).toBe(200);
        expect(answer.body?.status).toBe('degraded');
        expect(answer.body?.checks?.redis?.status).not.toBe('ok');
        expect(answer.body?.checks?.redis?.reason).toMatch(/redis/i);
      }
    } finally {
      clearInterval(stream);
    }
  }, 60_000);

  it('when Redis is back, /readyz is ok within seconds and the budgets are shared again', async () => {
    await redis.start();
    const readiness = await Promise.all(fleet.replicas.map((r) => readyzUntil(fleet, r, (b) => b?.status === 'ok', 15_000)));

    // The burst of the fleet test: six distinct auctions at once, two per replica. Local shares
    // would each send their first call at once (429s); one shared budget spaces all six.
    await sleep(3100);
    fleet.resetTraffic();
    const ids = fleet.bondora.activeAuctions.slice(0, 6).map((a) => a.AuctionId);
    const results = await Promise.all(ids.map((id, i) => fleet.gql<{ auction: { id: string } }>(roundRobin(i), AUCTION, { id })));
    // The restarted Redis started empty: budget keys under the prefix are the replicas' new writes.
    const keys = await fleet.redisKeys();
    expect(errorCodes(results)).toEqual([]);
    expect(results.map((r) => r.data?.auction?.id)).toEqual(ids);
    expect(fleet.upstream429s()).toEqual({ bondora: 0, bond: 0 });
    expect(fleet.bondora.router.calls('auction.get')).toHaveLength(6);
    expect(keys.filter((k) => k.startsWith(`${fleet.prefix}budget:`))).not.toEqual([]);
    for (const answer of readiness) expect(answer).toMatchObject({ status: 200, body: { status: 'ok' } });
  }, 60_000);
});

describe('Redis unreachable at start-up', () => {
  it('fails start-up with a non-zero exit code and a message naming REDIS_URL', async () => {
    const supervisor = new ProcessSupervisor();
    const closedPort = await freePort();
    try {
      const start = startReplicas(supervisor, 1, (port) => ({
        PORT: String(port),
        HOST: '127.0.0.1',
        REDIS_URL: `redis://127.0.0.1:${closedPort}`,
        TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        AUTH_DISABLED: 'true',
      }));
      const error = (await start.then(
        () => new Error('started'),
        (e: unknown) => e,
      )) as Error;
      expect(error.message).toMatch(/exited before it was ready \(code [1-9]\d*, signal null\)/);
      expect(error.message).toMatch(/REDIS_URL/);
    } finally {
      supervisor.killAll();
    }
  }, 60_000);
});
