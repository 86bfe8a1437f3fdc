import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BondApplicationDto } from '../../src/upstream/bond/bond.dto.js';
import { BondSimulator } from '../../src/simulators/bond/bond.simulator.js';
import { pythonJson } from '../../src/simulators/bond/bond.signature.js';
import { BOND_CREDIT_EVENTS } from '../../src/simulators/bond/bond.webhook.events.js';
import { WebhookReceiver, type Received } from './webhook.receiver.js';

// Bond's webhook subscriptions and credit.application events over real HTTP, with the
// Bond-Signature v2 digest verified as Bond's docs describe (HMAC-SHA256 of `${t}.` + raw body).

const AUTH = { Identity: BondSimulator.DEMO_IDENTITY, Authorization: BondSimulator.DEMO_API_KEY };
const MISSING = ['Missing data for required field.'];

interface EventBody {
  event: string;
  occurred_at?: string;
  sent_time?: string;
  details: { resource: string; data: BondApplicationDto & { adverse_action?: { id: string; reasons: string[] } } };
}

const receiver = new WebhookReceiver();
const sim = new BondSimulator({ webhookDelivery: { backoffBaseMs: 5, timeoutMs: 2_000 } });

async function call<T = any>(method: string, path: string, body?: unknown, auth = true): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { Accept: 'application/json', ...(auth ? AUTH : {}) };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${sim.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

function signature(req: Received): { t: number; v1: string; v2: string } {
  const parts = Object.fromEntries(String(req.headers['bond-signature']).split(',').map((kv) => kv.split('=') as [string, string]));
  return { t: Number(parts['t']), v1: parts['v1'] ?? '', v2: parts['v2'] ?? '' };
}

function verifiesV2(req: Received, secret: string): boolean {
  const { t, v2 } = signature(req);
  const digest = createHmac('sha256', secret).update(`${t}.${req.body}`).digest('hex');
  return Math.abs(Date.now() / 1000 - t) < 60 && v2.length === digest.length && timingSafeEqual(Buffer.from(v2), Buffer.from(digest));
}

const events = (reqs: Received[]) => reqs.map((r) => (JSON.parse(r.body) as EventBody).event);
const to = (path: string) => (r: Received) => r.url === path;

/** Creates and submits an application; `between` runs after the create, e.g. to wait for its event. */
async function createAndSubmit(customerIndex: number, between?: () => Promise<unknown>): Promise<string> {
  const customer = sim.customers[customerIndex]!;
  const created = await call<BondApplicationDto>('POST', '/credit/applications', {
    program_id: sim.programId,
    applicant: { customer_id: customer.customer_id, total_annual_income: 5_000_000 },
  });
  expect(created.status).toBe(201);
  await between?.();
  const id = created.body.application_id;
  expect((await call('POST', `/credit/applications/${id}/submit`)).status).toBe(201);
  return id;
}

beforeAll(async () => {
  await Promise.all([receiver.start(), sim.start()]);
});
afterEach(async () => {
  await sim.webhooksIdle();
  sim.clearWebhooks();
  sim.reset();
  receiver.clear();
});
afterAll(async () => {
  await Promise.all([receiver.close(), sim.stop()]);
});

describe('Bond webhook subscriptions', () => {
  it('requires the API key pair', async () => {
    expect((await call('POST', '/webhooks', { url: receiver.url(), events: ['credit.*'] }, false)).status).toBe(401);
    expect((await call('GET', '/webhooks', undefined, false)).status).toBe(401);
  });

  it('validates the body like Bond: url and a non-empty list of known event names', async () => {
    expect(await call('POST', '/webhooks', {})).toEqual({ status: 400, body: { url: MISSING, events: MISSING } });
    expect((await call('POST', '/webhooks', { url: 'not a url', events: [] })).body).toEqual({
      url: ['Not a valid URL.'],
      events: ['Shorter than minimum length 1.'],
    });
    expect((await call('POST', '/webhooks', { url: receiver.url(), events: 'credit.*' })).body).toEqual({ events: ['Not a valid list.'] });
    expect((await call('POST', '/webhooks', { url: receiver.url(), events: ['credit.*', 7, 'credit.application.exploded', 'nothing*'] })).body).toEqual({
      events: { '1': ['Not a valid string.'], '2': ['Unknown event: credit.application.exploded.'], '3': ['Unknown event: nothing*.'] },
    });
    expect((await call('POST', '/webhooks', { url: receiver.url(), events: ['card*'], status: 'ON', version: '2', colour: 'red' })).body).toEqual({
      status: ['Must be one of: STATUS_ENABLED, STATUS_DISABLED.'],
      version: ['Must be one of: 0.1.'],
      colour: ['Unknown field.'],
    });
    expect(sim.webhookSubscriptions).toEqual([]);
  });

  it('creates a subscription with wildcards expanded and a whsec_ secret, and lists it', async () => {
    const created = await call('POST', '/webhooks', {
      url: receiver.url('/bond'),
      events: ['credit.*', 'card.created', 'credit.application.approved'],
      description: 'Credit changes',
      version: '0.1',
    });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      webhook_id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      date_created: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/),
      url: receiver.url('/bond'),
      description: 'Credit changes',
      events: [...BOND_CREDIT_EVENTS, 'card.created'],
      status: 'STATUS_ENABLED',
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9]{32}$/),
    });
    const listed = await call('GET', '/webhooks');
    expect(listed).toEqual({ status: 200, body: [created.body] });
  });
});

describe('Bond credit.application events', () => {
  it('create → submit → KYC outcome, in order, signed; a subscription gets only its events', async () => {
    const all = (await call('POST', '/webhooks', { url: receiver.url('/all'), events: ['credit.*'] })).body as { secret: string };
    const approvedOnly = sim.subscribeWebhook(receiver.url('/approved'), ['credit.application.approved']);

    // Each step waits for its delivery, so arrival order is the order the events happened in.
    const id = await createAndSubmit(0, () => receiver.waitFor(1));
    await receiver.waitFor(2);
    expect(receiver.received.filter(to('/approved'))).toHaveLength(0);
    await call('GET', `/credit/applications/${id}`);
    await receiver.waitFor(4);
    await sim.webhooksIdle();

    const toAll = receiver.received.filter(to('/all'));
    const toApproved = receiver.received.filter(to('/approved'));
    expect(events(toAll)).toEqual(['credit.application.created', 'credit.application.submitted', 'credit.application.approved']);
    expect(events(toApproved)).toEqual(['credit.application.approved']);

    for (const req of toAll) {
      expect(req.headers['content-type']).toBe('application/json');
      expect(verifiesV2(req, all.secret)).toBe(true);
      expect(verifiesV2(req, approvedOnly.secret)).toBe(false);
      const { t, v1 } = signature(req);
      expect(v1).toBe(createHmac('sha256', all.secret).update(`${t}.${pythonJson(JSON.parse(req.body))}`).digest('hex'));
    }
    expect(verifiesV2(toApproved[0]!, approvedOnly.secret)).toBe(true);

    const bodies = toAll.map((r) => JSON.parse(r.body) as EventBody);
    expect(bodies.map((b) => b.details.data.application_status)).toEqual(['created', 'submitted', 'approved']);
    for (const body of bodies) {
      expect(body.occurred_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/);
      expect(body.details.resource).toBe('credit.application');
      expect(body.details.data.application_id).toBe(id);
    }
    expect(new Set(bodies.map((b) => b.occurred_at)).size).toBe(3);
    const approved = bodies[2]!.details.data;
    expect(approved.accounts.security_deposit_account_id).toBe(sim.application(id)!.accounts.security_deposit_account_id);
    // Webhook copies of the applicant differ from the REST object as Bond's payload examples do.
    expect(approved.applicant).toMatchObject({ street1: sim.customers[0]!.street, phone: null, phone_country_code: null });
    expect(approved.applicant).not.toHaveProperty('street');
    expect(approved.applicant.ssn).toMatch(/^XXXXX\d{4}$/);
  });

  it('a denied KYC sends credit.application.adverse_action with sent_time and the adverse action', async () => {
    const denied = sim.customers.findIndex((c) => c.sandbox_ssn === '999-99-0000');
    sim.subscribeWebhook(receiver.url(), ['credit.application.adverse_action', 'credit.application.resubmit_required']);
    const id = await createAndSubmit(denied);
    const adverse = await call('GET', `/credit/applications/${id}/adverse-actions`);
    const [req] = await receiver.waitFor(1);
    const body = JSON.parse(req!.body) as EventBody;
    expect(body.event).toBe('credit.application.adverse_action');
    expect(body).not.toHaveProperty('occurred_at');
    expect(body.sent_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/);
    expect(body.details.data.application_status).toBe('denied');
    expect(adverse.status).toBe(200);
    expect(body.details.data.adverse_action).toEqual(adverse.body);
    expect(adverse.body).toMatchObject({ application_id: id, service: 'kyc', reasons: ['Unable to verify identity'] });
  });

  it('a KYC time-out sends credit.application.resubmit_required', async () => {
    const retry = sim.customers.findIndex((c) => c.sandbox_ssn === '888-88-8888');
    sim.subscribeWebhook(receiver.url(), ['credit.application.resubmit_required']);
    const id = await createAndSubmit(retry);
    await call('GET', '/credit/applications?limit=1');
    const [req] = await receiver.waitFor(1);
    expect(JSON.parse(req!.body)).toMatchObject({
      event: 'credit.application.resubmit_required',
      details: { data: { application_id: id, application_status: 'resubmit_required' } },
    });
    expect((await call('GET', `/credit/applications/${id}/adverse-actions`)).status).toBe(404);
  });

  it('retries with back-off until the receiver answers 200 or 201, with the same body, each attempt validly signed', async () => {
    receiver.next(1, 500);
    receiver.next(1, 204);
    receiver.next(1, 'hang');
    const short = new BondSimulator({ webhookDelivery: { backoffBaseMs: 5, timeoutMs: 150 } });
    const { secret: shortSecret } = short.subscribeWebhook(receiver.url('/short'), ['credit.*']);
    await short.start();
    try {
      const res = await fetch(`${short.url}/credit/applications`, {
        method: 'POST',
        headers: { ...AUTH, 'Content-Type': 'application/json' },
        body: JSON.stringify({ program_id: short.programId, applicant: { customer_id: short.customerIds[0] } }),
      });
      expect(res.status).toBe(201);
      await short.webhooksIdle();
      expect(short.webhookDeliveries.map((d) => d.status ?? d.error)).toEqual([500, 204, 'timeout', 200]);
      const requests = receiver.received.filter(to('/short'));
      expect(requests).toHaveLength(4);
      expect(new Set(requests.map((r) => r.body)).size).toBe(1);
      for (const req of requests) expect(verifiesV2(req, shortSecret)).toBe(true);
    } finally {
      await short.stop();
    }
  });

  it('sends nothing to a disabled subscription, and keeps subscriptions across reset()', async () => {
    await call('POST', '/webhooks', { url: receiver.url('/off'), events: ['credit.*'], status: 'STATUS_DISABLED' });
    sim.reset();
    expect(sim.webhookSubscriptions).toHaveLength(1);
    await createAndSubmit(0);
    await sim.webhooksIdle();
    expect(receiver.received).toHaveLength(0);
  });

  it('serialises v1 payloads as Python json.dumps does', () => {
    const raw = '{"a":1,"b":[1.5,"é\\u007f\\u2028😀"],"c":null,"d":true,"e":1e-7,"f":0.00012,"g":15000000000000000,"h":123.456,"i":{},"j":[],"k":"q\\"\\\\/\\n"}';
    // Expected output produced by CPython 3: json.dumps(json.loads(raw)).
    expect(pythonJson(JSON.parse(raw))).toBe(
      '{"a": 1, "b": [1.5, "\\u00e9\\u007f\\u2028\\ud83d\\ude00"], "c": null, "d": true, "e": 1e-07, "f": 0.00012, "g": 15000000000000000, "h": 123.456, "i": {}, "j": [], "k": "q\\"\\\\/\\n"}',
    );
  });
});
