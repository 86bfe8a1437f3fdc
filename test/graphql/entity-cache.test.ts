import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import type { Scope } from '../../src/auth/scope.registry.js';
import type { Gateway } from '../../src/server/gateway.server.js';
import { BondSimulator } from '../../src/simulators/bond/bond.simulator.js';
import type { BondApplicationDto } from '../../src/upstream/bond/bond.dto.js';
import { startRedisReplicas, testRedis } from '../support/redis.replicas.js';
import { startHarness, type Harness } from '../support/gateway.harness.js';

// Credit applications read by id are kept across requests (ENTITY_CACHE_TTL_MS): a second read
// within the TTL costs Bond nothing, our own write and Bond's webhook drop the one application they
// concern, and ownership is checked on every read, kept or not.

const TTL_MS = 60_000;
const READ = 'query ($id: ID!) { creditApplication(id: $id) { id status applicant { customerId totalAnnualIncome } } }';
const UPDATE = 'mutation ($id: ID!, $income: Cents) { updateCreditApplicant(input: { applicationId: $id, totalAnnualIncome: $income }) { id } }';
const CUSTOMER_SCOPES: Scope[] = ['applications:read', 'applications:write'];

type Read = { creditApplication: { id: string; status: string; applicant: { customerId: string; totalAnnualIncome: number | null } } | null };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ upstreams: { bond: { entityCacheTtlMs: TTL_MS } }, webhooks: true });
});
afterAll(async () => h.close());
beforeEach(() => h.resetTraffic());

const gets = (harness: Harness = h) => harness.bond.router.calls('application.get').length;
const as = (token: string) => ({ authorization: `Bearer ${token}` });

/** A distinct application per test, so no test reads another's kept copy. */
const taken = new Set<string>();
function application(statuses: readonly string[], customer?: string): BondApplicationDto {
  const app = h.bond.applications.find(
    (a) => !taken.has(a.application_id) && statuses.includes(a.application_status) && (!customer || a.applicant.customer_id === customer),
  );
  if (!app) throw new Error(`the seed has no further application in ${statuses.join('/')}`);
  taken.add(app.application_id);
  return app;
}

describe('entity cache: credit applications by id', () => {
  it('a second identical read within the TTL makes no upstream call', async () => {
    const { application_id: id } = application(['created', 'kyc_started', 'approved', 'denied']);
    const first = await h.gql<Read>(READ, { id });
    expect(first.errors).toBeUndefined();
    expect(gets()).toBe(1);
    const second = await h.gql<Read>(READ, { id });
    expect(second.data).toEqual(first.data);
    expect(gets()).toBe(1);
  });

  it('updateCreditApplicant drops that application: the next read makes one call and sees the new value', async () => {
    const { application_id: id } = application(['created']);
    const { application_id: neighbour } = application(['approved', 'denied']);
    await h.gql<Read>(READ, { id });
    await h.gql<Read>(READ, { id: neighbour });
    const income = 7_654_321_00;
    const updated = await h.gql(UPDATE, { id, income });
    expect(updated.errors).toBeUndefined();
    h.resetTraffic();

    const after = await h.gql<Read>(READ, { id });
    expect(after.data!.creditApplication!.applicant.totalAnnualIncome).toBe(income);
    expect(gets()).toBe(1);
    // Only the written application was dropped, not every application the brand's key has kept.
    await h.gql<Read>(READ, { id: neighbour });
    expect(gets()).toBe(1);
  });

  it('a read in flight when the write lands answers from before it, and is not kept: the next read sees the write', async () => {
    const { application_id: id } = application(['created']);
    const before = (await h.gql<Read>(READ, { id })).data!.creditApplication!.applicant.totalAnnualIncome;
    await h.gql(UPDATE, { id, income: 1_00 }); // drops the copy the first read kept
    h.resetTraffic();
    // Bond reads the application at once but its answer is slow on the way back; the write lands meanwhile.
    h.bond.router.setFault('application.get', { answerDelayMs: 400, times: 1 });
    const slow = h.gql<Read>(READ, { id });
    await expect.poll(() => gets()).toBe(1);
    const income = 2_345_600;
    expect((await h.gql(UPDATE, { id, income })).errors).toBeUndefined();
    // A read asked after the write does not wait for the read from before it: it asks Bond itself.
    const during = await h.gql<Read>(READ, { id });
    expect(during.data!.creditApplication!.applicant.totalAnnualIncome).toBe(income);
    expect((await slow).data!.creditApplication!.applicant.totalAnnualIncome).toBe(1_00);
    expect(before).not.toBe(1_00);
    h.resetTraffic();
    const after = await h.gql<Read>(READ, { id });
    expect(after.data!.creditApplication!.applicant.totalAnnualIncome).toBe(income);
  });

  it("Bond's signed webhook for an application drops it: the next read calls Bond again", async () => {
    const { application_id: id } = application(['created']);
    const before = await h.gql<Read>(READ, { id });
    expect(before.data!.creditApplication!.status).toBe('CREATED');
    // Bond moves the application on by itself (here: submitted straight at Bond) and says so by webhook.
    const submitted = await fetch(`${h.settings.bond.url}/credit/applications/${id}/submit`, {
      method: 'POST',
      headers: { identity: BondSimulator.DEMO_IDENTITY, authorization: BondSimulator.DEMO_API_KEY, 'idempotency-key': randomUUID() },
    });
    expect(submitted.status).toBe(201);
    await h.bond.webhooksIdle();
    expect(h.bond.webhookDeliveries.some((d) => d.status !== undefined && d.status >= 200 && d.status < 300)).toBe(true);
    h.resetTraffic();

    const after = await h.gql<Read>(READ, { id });
    expect(gets()).toBe(1);
    expect(after.data!.creditApplication!.status).not.toBe('CREATED');
  });

  it("another customer is refused an application the owner's read has kept, exactly as when nothing is kept", async () => {
    const [owner, other] = h.bond.customerIds as [string, string];
    const ownerToken = await h.token({ sub: 'owner', scopes: CUSTOMER_SCOPES, customerId: owner });
    const otherToken = await h.token({ sub: 'other', scopes: CUSTOMER_SCOPES, customerId: other });
    const { application_id: warm } = application(['created', 'kyc_started', 'approved', 'denied'], owner);
    const { application_id: cold } = application(['created', 'kyc_started', 'approved', 'denied'], owner);

    const mine = await h.gql<Read>(READ, { id: warm }, as(ownerToken));
    expect(mine.data!.creditApplication!.id).toBe(warm);
    h.resetTraffic();
    const refusedWarm = await h.gql<Read>(READ, { id: warm }, as(otherToken));
    // Served from the kept copy (no call), and still refused.
    expect(gets()).toBe(0);
    const refusedCold = await h.gql<Read>(READ, { id: cold }, as(otherToken));
    expect(gets()).toBe(1);
    expect(refusedWarm.data).toEqual({ creditApplication: null });
    expect({ data: refusedWarm.data, errors: refusedWarm.errors }).toEqual({ data: refusedCold.data, errors: refusedCold.errors });
    // The write path too: someone else's kept application is not found, and no write is sent.
    const write = await h.gql(UPDATE, { id: warm, income: 100 }, as(otherToken));
    expect(write.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(h.bond.router.calls('application.update')).toHaveLength(0);
  });
});

describe('entity cache configuration', () => {
  it('ENTITY_CACHE_TTL_MS is 5 s by default, BONDORA_ENTITY_CACHE_TTL_MS off; 0 turns either off; a bad value names its variable', () => {
    expect(loadConfig({}).bond.entityCacheTtlMs).toBe(5000);
    expect(loadConfig({}).bondora.entityCacheTtlMs).toBe(0);
    expect(loadConfig({ ENTITY_CACHE_TTL_MS: '0', BONDORA_ENTITY_CACHE_TTL_MS: '3000' })).toMatchObject({
      bond: { entityCacheTtlMs: 0 },
      bondora: { entityCacheTtlMs: 3000 },
    });
    expect(() => loadConfig({ ENTITY_CACHE_TTL_MS: '5s' })).toThrow(ConfigError);
    expect(() => loadConfig({ BONDORA_ENTITY_CACHE_TTL_MS: '-1' })).toThrow(/BONDORA_ENTITY_CACHE_TTL_MS/);
  });
});

describe('entity cache off', () => {
  it('ENTITY_CACHE_TTL_MS=0 (the harness default) keeps nothing', async () => {
    const off = await startHarness();
    try {
      const id = off.bond.applications[0]!.application_id;
      await off.gql(READ, { id });
      await off.gql(READ, { id });
      expect(gets(off)).toBe(2);
    } finally {
      await off.close();
    }
  });
});

// Two gateways on one Redis key prefix share the kept applications, and a write through either drops them for both.
const { redis, unavailable } = await testRedis();

describe.skipIf(!redis)(`entity cache shared through Redis${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  const prefix = `test:${randomUUID()}:`;
  let shared: Harness;
  let a: Gateway;
  let b: Gateway;
  let token: string;

  beforeAll(async () => {
    shared = await startHarness({ upstreams: { bond: { entityCacheTtlMs: TTL_MS } } });
    [a, b] = (await startRedisReplicas(shared, redis!, prefix)) as [Gateway, Gateway];
    token = await shared.token({ sub: 'operator', scopes: ['applications:read', 'applications:write', 'applications:all', 'pii:read'] });
  });

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await shared?.close();
    const keys = await redis!.keys(`${prefix}*`);
    if (keys.length) await redis!.del(...keys);
    await redis!.quit();
  });

  async function gql(gateway: Gateway, query: string, variables: Record<string, unknown>): Promise<{ data?: any; errors?: unknown[] }> {
    const res = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as never;
  }

  it('a read on A fills the shared copy, a read on B makes no call, and a write on B drops it for A', async () => {
    const app = shared.bond.applications.find((x) => x.application_status === 'created')!;
    const id = app.application_id;
    const first = await gql(a, READ, { id });
    expect(first.errors).toBeUndefined();
    expect(gets(shared)).toBe(1);
    // The shared store is written after the answer: wait until B can see it.
    await expect.poll(async () => (await redis!.keys(`${prefix}responses:*:application.get`)).length).toBeGreaterThan(0);
    const second = await gql(b, READ, { id });
    expect(second.data).toEqual(first.data);
    expect(gets(shared)).toBe(1);

    const income = 1_234_500;
    const written = await gql(b, UPDATE, { id, income });
    expect(written.errors).toBeUndefined();
    shared.resetTraffic();
    const after = await gql(a, READ, { id });
    expect(after.data.creditApplication.applicant.totalAnnualIncome).toBe(income);
    expect(gets(shared)).toBe(1);
  });

  it('a read in flight on A when a write on B lands is not kept in Redis: the next read on either sees the write', async () => {
    // Not the application the test above wrote.
    const id = shared.bond.applications.filter((x) => x.application_status === 'created')[1]!.application_id;
    shared.resetTraffic();
    shared.bond.router.setFault('application.get', { answerDelayMs: 400, times: 1 });
    const slow = gql(a, READ, { id });
    await expect.poll(() => gets(shared)).toBe(1);
    const income = 3_456_700;
    expect((await gql(b, UPDATE, { id, income })).errors).toBeUndefined();
    const stale = await slow;
    expect(stale.data.creditApplication.applicant.totalAnnualIncome).not.toBe(income);
    // Give A's store write, had it been allowed, time to land.
    await new Promise((r) => setTimeout(r, 200));
    for (const gateway of [a, b]) {
      const read = await gql(gateway, READ, { id });
      expect(read.data.creditApplication.applicant.totalAnnualIncome).toBe(income);
    }
  });
});
