import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebhooksConfig } from '../../src/config.js';
import { MemoryEventLog, type LoggedEvent } from '../../src/events/event.log.js';
import { WEBHOOK_BODY_LIMIT, webhookRoutes } from '../../src/events/webhook.routes.js';
import { memoryLogger } from '../../src/server/logger.js';
import { bondoraKey, signBond, signBondora, type BondoraSigningOptions } from '../support/webhook.signing.js';

// Both receivers over real HTTP: a forged, replayed, redirected or tampered delivery is answered
// 401 and leaves no trace in the event log or with its subscribers; a valid one is recorded once
// however often it is redelivered; bodies are read raw, whatever their Content-Type.

const PUBLIC_URL = 'https://gateway.example.com';
const BONDORA_URL = `${PUBLIC_URL}/webhooks/bondora`;
const KEY_ID = 'test-key-01';
const SECRET = bondoraKey('secret:test-key-01');
const BOND_SECRET = 'whsec_test_0123456789abcdef';

const CONFIG: WebhooksConfig = {
  publicUrl: PUBLIC_URL,
  bondoraKeys: { [KEY_ID]: SECRET },
  bondSecrets: [BOND_SECRET],
  toleranceSeconds: 300,
  eventLogSize: 100,
};

const AUCTION_PUBLISHED = JSON.stringify({
  EventId: '6a1f6f0e-7b2c-4d53-9a53-0d2a8c4b1e11',
  EventType: 'auction.published',
  Payload: { AuctionId: 'b8a2c0de-0000-4000-8000-000000000001', Rating: 'A', Interest: 18.5 },
});

const APPLICATION = { application_id: 'app_123', customer_id: 'cus_9', application_status: 'approved' };
const APPROVED = JSON.stringify({
  event: 'credit.application.approved',
  occurred_at: '2024-05-01T14:00:00+02:00',
  details: { resource: 'credit.application', data: APPLICATION },
});

interface Reply {
  status: number;
  body: { received?: boolean; duplicate?: boolean; error?: { code: string; message: string } };
  cacheControl: string | null;
}

interface Rig {
  url: string;
  log: MemoryEventLog;
  /** What a log subscriber saw, and what onEvent was handed. */
  published: LoggedEvent[];
  hooked: LoggedEvent[];
  logger: ReturnType<typeof memoryLogger>;
  post(path: string, body: string | Buffer, headers: Record<string, string>): Promise<Reply>;
  logged(): Promise<LoggedEvent[]>;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
});

async function rig(config: Partial<WebhooksConfig> = {}, before?: express.RequestHandler): Promise<Rig> {
  const log = new MemoryEventLog(100);
  const logger = memoryLogger();
  const published: LoggedEvent[] = [];
  const hooked: LoggedEvent[] = [];
  log.subscribe((event) => published.push(event));
  let url = '';
  const app = express();
  if (before) app.use(before);
  app.use(webhookRoutes({ config: { ...CONFIG, ...config }, publicUrl: () => url, log, logger, onEvent: (event) => hooked.push(event) }));
  const server = await new Promise<Server>((ready) => {
    const s = app.listen(0, '127.0.0.1', () => ready(s));
  });
  servers.push(server);
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    log,
    published,
    hooked,
    logger,
    async post(path, body, headers) {
      const response = await fetch(`${url}${path}`, { method: 'POST', body: typeof body === 'string' ? Buffer.from(body) : body, headers });
      return { status: response.status, body: (await response.json()) as Reply['body'], cacheControl: response.headers.get('cache-control') };
    },
    logged: () => log.after(undefined, 1000),
  };
}

function bondora(overrides: Partial<BondoraSigningOptions> = {}): Record<string, string> {
  return signBondora({ url: BONDORA_URL, body: AUCTION_PUBLISHED, keyId: KEY_ID, secretBase64: SECRET, ...overrides });
}

function bond(body: string = APPROVED, secret: string = BOND_SECRET, t?: number): Record<string, string> {
  return { 'Content-Type': 'application/json', 'Bond-Signature': signBond({ body, secret, t }) };
}

const now = (): number => Math.floor(Date.now() / 1000);

/** 401, nothing recorded or published, and a warn line naming the reason without the body or signature. */
async function expectRefused(r: Rig, reply: Reply, reason: string, secrets: string[]): Promise<void> {
  expect(reply.status).toBe(401);
  expect(reply.body.error?.code).toBe('UNAUTHENTICATED');
  expect(reply.cacheControl).toBe('no-store');
  expect(await r.logged()).toEqual([]);
  expect(r.published).toEqual([]);
  expect(r.hooked).toEqual([]);
  const warning = r.logger.lines.at(-1)!;
  expect(warning).toMatchObject({ level: 'warn', message: 'webhook refused' });
  expect(warning.detail.reason).toContain(reason);
  const written = JSON.stringify(r.logger.lines);
  for (const secret of secrets) expect(written).not.toContain(secret);
}

describe('POST /webhooks/bondora', () => {
  it('records a valid delivery once, with source, type, dedupe key and payload, and answers 200', async () => {
    const r = await rig();
    const reply = await r.post('/webhooks/bondora', AUCTION_PUBLISHED, bondora());
    expect(reply).toEqual({ status: 200, body: { received: true, duplicate: false }, cacheControl: 'no-store' });
    const logged = await r.logged();
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      source: 'bondora',
      type: 'auction.published',
      dedupeKey: '6a1f6f0e-7b2c-4d53-9a53-0d2a8c4b1e11',
      payload: JSON.parse(AUCTION_PUBLISHED).Payload,
    });
    expect(Math.abs(Date.parse(logged[0]!.occurredAt) - Date.now())).toBeLessThan(5000);
    expect(r.published).toEqual(logged);
    expect(r.hooked).toEqual(logged);
  });

  describe('refuses with 401 and records nothing', () => {
    const cases: Array<[string, string, (r: Rig) => [string | Buffer, Record<string, string>]]> = [
      ['a wrong key', 'signature does not match', () => [AUCTION_PUBLISHED, bondora({ secretBase64: bondoraKey('secret:another-key-0') })]],
      ['an unknown keyId', 'unknown keyId', () => [AUCTION_PUBLISHED, bondora({ keyId: 'unknown-key' })]],
      ['a body changed by one byte', 'Digest does not match', () => [AUCTION_PUBLISHED.replace('18.5', '18.6'), bondora()]],
      ['a Digest that does not match', 'Digest does not match', () => [AUCTION_PUBLISHED, bondora({ digest: `SHA-256=${Buffer.alloc(32).toString('base64')}` })]],
      ['a Date too old', 'Date outside', () => [AUCTION_PUBLISHED, bondora({ date: new Date(Date.now() - 301_000) })]],
      ['a Date in the future', 'Date outside', () => [AUCTION_PUBLISHED, bondora({ date: new Date(Date.now() + 301_000) })]],
      ['a signed list without digest', 'does not cover digest', () => [AUCTION_PUBLISHED, bondora({ headers: ['(request-target)', 'host', 'date', 'content-type'] })]],
      ['a signed list without (request-target)', 'does not cover (request-target)', () => [AUCTION_PUBLISHED, bondora({ headers: ['host', 'date', 'digest'] })]],
      ['a signature made for another path', 'signature does not match', () => [AUCTION_PUBLISHED, bondora({ url: `${PUBLIC_URL}/webhooks/bond` })]],
      ['a signature made for another host', 'signature does not match', (r) => [AUCTION_PUBLISHED, bondora({ url: `${r.url}/webhooks/bondora` })]],
      ['no signature', 'no Signature header', () => {
        const { Signature: _dropped, ...unsigned } = bondora();
        return [AUCTION_PUBLISHED, unsigned];
      }],
    ];
    for (const [name, reason, make] of cases) {
      it(name, async () => {
        const r = await rig();
        const [body, headers] = make(r);
        await expectRefused(r, await r.post('/webhooks/bondora', body, headers), reason, [SECRET, /signature="([^"]*)"/.exec(headers.Signature ?? '')?.[1] ?? SECRET, '18.']);
      });
    }

    it('no keys configured', async () => {
      const r = await rig({ bondoraKeys: {} });
      await expectRefused(r, await r.post('/webhooks/bondora', AUCTION_PUBLISHED, bondora()), 'no Bondora webhook keys are configured', [SECRET]);
    });
  });

  it('signs the public URL: its host and any path prefix a proxy strips, not what the gateway sees', async () => {
    const prefixed = await rig({ publicUrl: 'https://hooks.example.com:8443/gateway/' });
    const url = 'https://hooks.example.com:8443/gateway/webhooks/bondora';
    expect((await prefixed.post('/webhooks/bondora', AUCTION_PUBLISHED, bondora({ url }))).status).toBe(200);

    const own = await rig({ publicUrl: undefined });
    expect((await own.post('/webhooks/bondora', AUCTION_PUBLISHED, bondora({ url: `${own.url}/webhooks/bondora` }))).status).toBe(200);
    expect((await own.post('/webhooks/bondora', AUCTION_PUBLISHED, bondora())).status).toBe(401);
  });

  it('covers the query string', async () => {
    const r = await rig();
    expect((await r.post('/webhooks/bondora?app=1', AUCTION_PUBLISHED, bondora())).status).toBe(401);
    expect((await r.post('/webhooks/bondora?app=1', AUCTION_PUBLISHED, bondora({ url: `${BONDORA_URL}?app=1` }))).status).toBe(200);
  });

  it('records the same EventId delivered three times once, and publishes it once', async () => {
    const r = await rig();
    const replies: Reply[] = [];
    for (let i = 0; i < 3; i++) replies.push(await r.post('/webhooks/bondora', AUCTION_PUBLISHED, bondora({ date: new Date(Date.now() - i * 1000) })));
    expect(replies.map((reply) => [reply.status, reply.body.duplicate])).toEqual([
      [200, false],
      [200, true],
      [200, true],
    ]);
    expect(await r.logged()).toHaveLength(1);
    expect(r.published).toHaveLength(1);
    expect(r.hooked).toHaveLength(1);
  });

  it('records an event type the gateway does not model, raw', async () => {
    const r = await rig();
    const payload = { Id: 'item-1', Price: 10.5, DesiredDiscountRate: -2, DebtManagmentEvents: [{ EventType: 3 }] };
    const body = JSON.stringify({ EventId: 991, EventType: 'secondmarket.updated', Payload: payload });
    expect((await r.post('/webhooks/bondora', body, bondora({ body }))).status).toBe(200);
    expect(await r.logged()).toMatchObject([{ source: 'bondora', type: 'secondmarket.updated', dedupeKey: '991', payload }]);
  });

  it('accepts a delivery signed by either of two keys (rotation)', async () => {
    const keys = { 'key-2023': bondoraKey('secret:key-2023-aaaa'), 'key-2024': bondoraKey('secret:key-2024-bbbb') };
    const r = await rig({ bondoraKeys: keys });
    for (const [keyId, secretBase64] of Object.entries(keys)) {
      const body = JSON.stringify({ EventId: keyId, EventType: 'auction.published', Payload: {} });
      expect((await r.post('/webhooks/bondora', body, bondora({ body, keyId, secretBase64 }))).body).toEqual({ received: true, duplicate: false });
    }
    expect((await r.logged()).map((event) => event.dedupeKey)).toEqual(['key-2023', 'key-2024']);
  });

  it('reads the raw bytes whatever the Content-Type says, or without one', async () => {
    const r = await rig();
    expect((await r.post('/webhooks/bondora', AUCTION_PUBLISHED, bondora({ contentType: 'text/plain' }))).status).toBe(200);
    const body = AUCTION_PUBLISHED.replace('6a1f', '7b2f');
    const { 'Content-Type': _type, ...untyped } = bondora({ body, headers: ['(request-target)', 'host', 'date', 'digest'] });
    expect((await r.post('/webhooks/bondora', body, untyped)).status).toBe(200);
    expect(await r.logged()).toHaveLength(2);
  });

  it('refuses to accept a body another parser read before the signature could be checked', async () => {
    const r = await rig({}, express.json());
    expect((await r.post('/webhooks/bondora', AUCTION_PUBLISHED, bondora())).status).toBe(500);
    expect(await r.logged()).toEqual([]);
    expect(r.logger.lines.at(-1)).toMatchObject({ level: 'error' });
  });

  it('answers 400 to a validly signed body that is not JSON or not a Bondora event', async () => {
    const r = await rig();
    for (const body of ['{"EventId": 1, "EventType": ', '[1, 2]', JSON.stringify({ EventType: 'auction.published' }), JSON.stringify({ EventId: 1 }), 'null']) {
      const reply = await r.post('/webhooks/bondora', body, bondora({ body }));
      expect(reply.status).toBe(400);
      expect(reply.body.error?.code).toBe('BAD_REQUEST');
    }
    expect(await r.logged()).toEqual([]);
    expect(r.published).toEqual([]);
  });

  it('answers 413 to a body over 256 kB and records nothing', async () => {
    const r = await rig();
    const body = JSON.stringify({ EventId: 'big', EventType: 'auction.published', Payload: { pad: 'x'.repeat(WEBHOOK_BODY_LIMIT) } });
    const reply = await r.post('/webhooks/bondora', body, bondora({ body }));
    expect(reply.status).toBe(413);
    expect(reply.body.error?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await r.logged()).toEqual([]);
    expect(r.published).toEqual([]);
  });
});

describe('POST /webhooks/bond', () => {
  it('records a valid delivery once, with source, type, dedupe key, time and payload, and answers 200', async () => {
    const r = await rig();
    const reply = await r.post('/webhooks/bond', APPROVED, bond());
    expect(reply).toEqual({ status: 200, body: { received: true, duplicate: false }, cacheControl: 'no-store' });
    const logged = await r.logged();
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      source: 'bond',
      type: 'credit.application.approved',
      dedupeKey: 'credit.application.approved|2024-05-01T14:00:00+02:00|app_123',
      occurredAt: '2024-05-01T12:00:00.000Z',
      payload: APPLICATION,
    });
    expect(r.published).toEqual(logged);
    expect(r.hooked).toEqual(logged);
  });

  describe('refuses with 401 and records nothing', () => {
    const cases: Array<[string, string, () => [string, Record<string, string>]]> = [
      ['a wrong secret', 'signature does not match', () => [APPROVED, bond(APPROVED, 'whsec_someone_else_000000000')]],
      ['a body changed by one byte', 'signature does not match', () => [APPROVED.replace('app_123', 'app_124'), bond()]],
      ['a t too old', 't outside', () => [APPROVED, bond(APPROVED, BOND_SECRET, now() - 301)]],
      ['a t in the future', 't outside', () => [APPROVED, bond(APPROVED, BOND_SECRET, now() + 301)]],
      ['no signature', 'no Bond-Signature header', () => [APPROVED, { 'Content-Type': 'application/json' }]],
      ['a garbled signature', 'malformed Bond-Signature', () => [APPROVED, { 'Bond-Signature': 'v2=deadbeef' }]],
    ];
    for (const [name, reason, make] of cases) {
      it(name, async () => {
        const r = await rig();
        const [body, headers] = make();
        await expectRefused(r, await r.post('/webhooks/bond', body, headers), reason, [BOND_SECRET, headers['Bond-Signature'] ?? BOND_SECRET, 'app_12']);
      });
    }

    it('no secrets configured', async () => {
      const r = await rig({ bondSecrets: [] });
      await expectRefused(r, await r.post('/webhooks/bond', APPROVED, bond()), 'no Bond webhook secrets are configured', [BOND_SECRET]);
    });
  });

  it('records the same event, time and application delivered three times once, and publishes it once', async () => {
    const r = await rig();
    const replies: Reply[] = [];
    for (let i = 0; i < 3; i++) replies.push(await r.post('/webhooks/bond', APPROVED, bond(APPROVED, BOND_SECRET, now() - i * 60)));
    expect(replies.map((reply) => [reply.status, reply.body.duplicate])).toEqual([
      [200, false],
      [200, true],
      [200, true],
    ]);
    expect(await r.logged()).toHaveLength(1);
    expect(r.published).toHaveLength(1);
    expect(r.hooked).toHaveLength(1);
  });

  it('records a flat KYC event the gateway does not model, raw, and an adverse action timed by sent_time', async () => {
    const r = await rig();
    const kyc = { event: 'kyc.verification.success', customer_id: 'cus_9', occurred_at: '2024-05-01T12:00:00+00:00' };
    const adverse = {
      event: 'credit.application.adverse_action',
      sent_time: '2024-05-02T08:30:00+00:00',
      details: { resource: 'credit.application', data: { ...APPLICATION, application_status: 'denied', adverse_action: { reasons: ['income'] } } },
    };
    for (const body of [JSON.stringify(kyc), JSON.stringify(adverse)]) expect((await r.post('/webhooks/bond', body, bond(body))).status).toBe(200);
    expect(await r.logged()).toMatchObject([
      { source: 'bond', type: 'kyc.verification.success', dedupeKey: 'kyc.verification.success|2024-05-01T12:00:00+00:00|cus_9', payload: kyc },
      {
        type: 'credit.application.adverse_action',
        dedupeKey: 'credit.application.adverse_action|2024-05-02T08:30:00+00:00|app_123',
        occurredAt: '2024-05-02T08:30:00.000Z',
        payload: adverse.details.data,
      },
    ]);
  });

  it('accepts a delivery signed by either of two secrets (rotation)', async () => {
    const secrets = ['whsec_old_secret_0000000000', 'whsec_new_secret_1111111111'];
    const r = await rig({ bondSecrets: secrets });
    for (const [i, secret] of secrets.entries()) {
      const body = JSON.stringify({ event: 'credit.application.created', occurred_at: `2024-05-01T12:00:0${i}Z`, details: { data: APPLICATION } });
      expect((await r.post('/webhooks/bond', body, bond(body, secret))).body).toEqual({ received: true, duplicate: false });
    }
    expect(await r.logged()).toHaveLength(2);
  });

  it('answers 400 to a validly signed body that is not JSON or not a Bond event', async () => {
    const r = await rig();
    for (const body of ['{"event": ', '"credit.application.approved"', JSON.stringify({ details: { data: APPLICATION } }), JSON.stringify({ event: 7 })]) {
      const reply = await r.post('/webhooks/bond', body, bond(body));
      expect(reply.status).toBe(400);
      expect(reply.body.error?.code).toBe('BAD_REQUEST');
    }
    expect(await r.logged()).toEqual([]);
    expect(r.published).toEqual([]);
  });

  it('answers 413 to a body over 256 kB and records nothing', async () => {
    const r = await rig();
    const body = JSON.stringify({ event: 'credit.application.created', occurred_at: '2024-05-01T12:00:00Z', pad: 'x'.repeat(WEBHOOK_BODY_LIMIT) });
    const reply = await r.post('/webhooks/bond', body, bond(body));
    expect(reply.status).toBe(413);
    expect(reply.body.error?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await r.logged()).toEqual([]);
  });
});
