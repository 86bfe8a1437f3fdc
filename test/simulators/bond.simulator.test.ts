import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BOND_APPLICATION_STATUSES,
  BOND_EMPLOYMENT_STATUSES,
  type BondApplicationDto,
  type BondApplicationListDto,
} from '../../src/upstream/bond/bond.dto.js';
import { BondSimulator } from '../../src/simulators/bond/bond.simulator.js';
import { BOND_SEED_ODDITIES, bondKycOutcome } from '../../src/simulators/bond/bond.seed.js';

const AUTH = { Identity: BondSimulator.DEMO_IDENTITY, Authorization: BondSimulator.DEMO_API_KEY };
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const UNAUTHORIZED = {
  Message: 'Unauthorized to access the relevant resources',
  Status: 401,
  Code: 'auth_err',
  Type: 'Request Error',
};
const NOT_FOUND = { status: 'ERROR_CODE_CREDIT_APPLICATION_GENERIC', code: 3001, message: 'Not found.', details: {} };
const MISSING_UUID = '00000000-0000-4000-8000-000000000000';

const sim = new BondSimulator();
let base = '';

interface Reply<T = any> {
  status: number;
  headers: Headers;
  text: string;
  body: T;
}

async function call<T = any>(
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; headers?: Record<string, string>; auth?: boolean } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { Accept: 'application/json', ...(options.auth === false ? {} : AUTH), ...options.headers };
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined };
}

function list(query: Record<string, string | number | undefined> = {}): Promise<Reply<BondApplicationListDto>> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  return call('GET', `/credit/applications?${params}`);
}

const ids = (apps: BondApplicationDto[]) => apps.map((a) => a.application_id);
const ofCustomer = (customerId?: string) =>
  sim.applications.filter((a) => customerId === undefined || a.applicant.customer_id === customerId);
const withStatus = (status: string) => {
  const app = sim.applications.find((a) => a.application_status === status);
  if (!app) throw new Error(`no seeded application in status ${status}`);
  return app;
};
const customerWithOutcome = (outcome: string, withoutApplications = false) => {
  const customer = sim.customers.find(
    (c) => bondKycOutcome(c.sandbox_ssn) === outcome && (!withoutApplications || ofCustomer(c.customer_id).length === 0),
  );
  if (!customer) throw new Error(`no seeded customer with KYC outcome ${outcome}`);
  return customer.customer_id;
};

beforeAll(async () => {
  base = await sim.start(0);
});
afterAll(() => sim.stop());
beforeEach(() => sim.reset());

describe('seed data', () => {
  it('is deterministic per seed and rich enough to page and to test tolerance', () => {
    const apps = sim.applications;
    expect(JSON.stringify(new BondSimulator().applications)).toBe(JSON.stringify(apps));
    expect(new BondSimulator({ seed: 1 }).applications[0]!.application_id).not.toBe(apps[0]!.application_id);

    expect(sim.customerIds.length).toBeGreaterThanOrEqual(12);
    expect(apps.length).toBeGreaterThanOrEqual(130);
    const perCustomer = sim.customerIds.map((id) => ofCustomer(id).length);
    expect(Math.max(...perCustomer)).toBeGreaterThan(50);
    expect(perCustomer.filter((n) => n >= 2 && n <= 3).length).toBeGreaterThanOrEqual(2);

    const statuses = new Set(apps.map((a) => a.application_status));
    for (const s of BOND_APPLICATION_STATUSES) expect(statuses).toContain(s);
    const employments = new Set(apps.map((a) => a.applicant.employment_status));
    for (const e of BOND_EMPLOYMENT_STATUSES) expect(employments).toContain(e);
    expect(employments).toContain(null);
    expect(apps.some((a) => (a.applicant.total_annual_income ?? 0) > 2 ** 31)).toBe(true);

    expect(new Set(apps.map((a) => a.date_created)).size).toBe(apps.length);
    for (const a of apps) {
      expect(a.date_created).toMatch(TIMESTAMP);
      expect(a.date_updated >= a.date_created).toBe(true);
      expect(a.program_id).toBe(sim.programId);
      expect(a.applicant.ssn).toMatch(/^tok_sandbox_[A-Za-z0-9]{22}$/);
      expect(a.accounts.security_deposit_account_id !== null).toBe(a.application_status === 'approved');
    }
    expect(sim.application(BOND_SEED_ODDITIES.unknownStatusApplicationId)?.application_status).toBe('under_review');
    expect(sim.application(BOND_SEED_ODDITIES.unknownEmploymentApplicationId)?.applicant.employment_status).toBe('contractor');
  });
});

describe('authentication', () => {
  it('rejects missing, wrong and Bearer-prefixed keys with the standard 401 envelope', async () => {
    const cases: Array<Record<string, string>> = [
      {},
      { Identity: BondSimulator.DEMO_IDENTITY },
      { Authorization: BondSimulator.DEMO_API_KEY },
      { Identity: BondSimulator.DEMO_IDENTITY, Authorization: 'bond-demo-key-wrong' },
      { Identity: MISSING_UUID, Authorization: BondSimulator.DEMO_API_KEY },
      { Identity: BondSimulator.DEMO_IDENTITY, Authorization: `Bearer ${BondSimulator.DEMO_API_KEY}` },
    ];
    for (const headers of cases) {
      const res = await call('GET', '/credit/applications', { auth: false, headers });
      expect(res.status).toBe(401);
      expect(res.body).toEqual(UNAUTHORIZED);
    }
    const create = await call('POST', '/credit/applications', { auth: false, body: {} });
    expect(create.status).toBe(401);
    expect(create.body).toEqual(UNAUTHORIZED);
  });

  it('accepts the key pair with any header-name casing, and the health probe needs none', async () => {
    const res = await call('GET', '/credit/applications?limit=1', {
      auth: false,
      headers: { IDENTITY: BondSimulator.DEMO_IDENTITY, aUtHoRiZaTiOn: BondSimulator.DEMO_API_KEY },
    });
    expect(res.status).toBe(200);
    const health = await fetch(`${new URL(base).origin}/auth/health/alive`);
    expect(health.status).toBe(200);
  });
});

describe('GET /credit/applications', () => {
  it('returns the newest 50 by default, newest first', async () => {
    const res = await list();
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['data', 'has_more']);
    expect(res.body.has_more).toBe(true);
    expect(ids(res.body.data)).toEqual(ids(sim.applications.slice(0, 50)));
    const created = res.body.data.map((a) => a.date_created);
    expect([...created].sort().reverse()).toEqual(created);
  });

  it('accepts limit 1..50 and rejects anything else with 400 invalid_parameter', async () => {
    expect((await list({ limit: 1 })).body.data).toHaveLength(1);
    expect((await list({ limit: 50 })).body.data).toHaveLength(50);
    for (const limit of ['0', '51', '100', '-1', '2.5', 'abc', '']) {
      const res = await list({ limit });
      expect(res.status, `limit=${limit}`).toBe(400);
      expect(res.body).toMatchObject({ Status: 400, Code: 'invalid_parameter', Type: 'Request Error' });
    }
  });

  it('filters by customer_id', async () => {
    const customerId = sim.customerIds[2]!;
    const res = await list({ customer_id: customerId });
    expect(ids(res.body.data)).toEqual(ids(ofCustomer(customerId)));
    expect(res.body.data.every((a) => a.applicant.customer_id === customerId)).toBe(true);
    expect((await list({ customer_id: MISSING_UUID })).body).toEqual({ has_more: false, data: [] });
    expect((await list({ customer_id: 'not-a-uuid' })).status).toBe(400);
  });

  async function forward(limit: number, customerId?: string): Promise<string[]> {
    const expected = ids(ofCustomer(customerId));
    const seen: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const res = await list({ limit, customer_id: customerId, starting_after: after });
      expect(res.status).toBe(200);
      expect(res.body.data.length).toBeLessThanOrEqual(limit);
      seen.push(...ids(res.body.data));
      expect(res.body.has_more).toBe(seen.length < expected.length);
      if (!res.body.has_more) break;
      expect(res.body.data).toHaveLength(limit);
      after = res.body.data.at(-1)!.application_id;
    }
    return seen;
  }

  it.each([
    [7, false],
    [50, false],
    [7, true],
    [50, true],
  ])('pages forward with starting_after (limit %i, by customer: %s) visiting each once', async (limit, byCustomer) => {
    const customerId = byCustomer ? sim.customerIds[0] : undefined;
    const expected = ids(ofCustomer(customerId));
    if (limit === 50) expect(expected.length).toBeGreaterThan(50);
    expect(await forward(limit, customerId)).toEqual(expected);
  });

  it.each([
    [7, undefined],
    [50, undefined],
    [7, 0],
  ])('pages backward with ending_before from the oldest (limit %i, customer #%s)', async (limit, customerIndex) => {
    const customerId = customerIndex === undefined ? undefined : sim.customerIds[customerIndex];
    const expected = ids(ofCustomer(customerId));
    let before = expected.at(-1)!;
    const seen: string[] = [];
    for (let pages = 0; pages < 100; pages++) {
      const res = await list({ limit, customer_id: customerId, ending_before: before });
      expect(res.status).toBe(200);
      expect(res.body.data.length).toBeLessThanOrEqual(limit);
      seen.unshift(...ids(res.body.data));
      expect(res.body.has_more).toBe(seen.length < expected.length - 1);
      if (!res.body.has_more) break;
      expect(res.body.data).toHaveLength(limit);
      before = res.body.data[0]!.application_id;
    }
    expect(seen).toEqual(expected.slice(0, -1));
  });

  it('returns the items closest to the ending_before cursor, in list order', async () => {
    const all = ids(sim.applications);
    const res = await list({ limit: 3, ending_before: all[10] });
    expect(ids(res.body.data)).toEqual(all.slice(7, 10));
    expect(res.body.has_more).toBe(true);
    const top = await list({ limit: 5, ending_before: all[2] });
    expect(top.body).toMatchObject({ has_more: false });
    expect(ids(top.body.data)).toEqual(all.slice(0, 2));
    expect(await list({ ending_before: all[0] }).then((r) => r.body)).toEqual({ has_more: false, data: [] });
    expect(await list({ starting_after: all.at(-1) }).then((r) => r.body)).toEqual({ has_more: false, data: [] });
  });

  it('rejects both cursors together and unknown cursors with 400', async () => {
    const [first, second] = ids(sim.applications);
    const both = await list({ starting_after: first, ending_before: second });
    expect(both.status).toBe(400);
    expect(both.body).toMatchObject({ Status: 400, Code: 'invalid_parameter', Type: 'Request Error' });
    for (const cursor of [MISSING_UUID, 'nope']) {
      for (const name of ['starting_after', 'ending_before']) {
        const res = await call('GET', `/credit/applications?${name}=${cursor}`);
        expect(res.status).toBe(400);
        expect(res.body.Code).toBe('invalid_parameter');
        expect(res.body.Message).toContain(name);
      }
    }
  });
});

describe('GET /credit/applications/:id', () => {
  it('returns the application, or the credit service 404 body', async () => {
    const app = sim.applications[17]!;
    const res = await call('GET', `/credit/applications/${app.application_id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(app);
    for (const id of [MISSING_UUID, 'not-a-uuid']) {
      const missing = await call('GET', `/credit/applications/${id}`);
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual(NOT_FOUND);
    }
  });
});

describe('PATCH /credit/applications/:id', () => {
  it.each([
    [{ applicant: { employment_status: 'contractor' } }, { applicant: { employment_status: ['Must be one of: employed, self_employed, unemployed, retired, student, other.'] } }],
    [{ applicant: { total_annual_income: -1 } }, { applicant: { total_annual_income: ['Must be greater than or equal to 0.'] } }],
    [{ applicant: { total_annual_income: 1000.5 } }, { applicant: { total_annual_income: ['Not a valid integer.'] } }],
    [{ applicant: { monthly_housing_payment: '1000' } }, { applicant: { monthly_housing_payment: ['Not a valid integer.'] } }],
    [{ applicant: { monthly_housing_payment: 2 ** 53 } }, { applicant: { monthly_housing_payment: [`Must be less than or equal to ${Number.MAX_SAFE_INTEGER}.`] } }],
    [{ applicant: { total_annual_income: null } }, { applicant: { total_annual_income: ['Field may not be null.'] } }],
    [{ applicant: { nickname: 'Jim' } }, { applicant: { nickname: ['Unknown field.'] } }],
    [{ applicant: { total_annual_income: 1 }, program_id: MISSING_UUID }, { program_id: ['Unknown field.'] }],
    [{}, { applicant: ['Missing data for required field.'] }],
    [{ applicant: 'x' }, { applicant: { _schema: ['Invalid input type.'] } }],
  ])('rejects %j with a field map and leaves the data unchanged', async (body, errors) => {
    const before = withStatus('created');
    const res = await call('PATCH', `/credit/applications/${before.application_id}`, { body });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(errors);
    expect(sim.application(before.application_id)).toEqual(before);
  });

  it('rejects an empty applicant and an unparsable body', async () => {
    const id = withStatus('created').application_id;
    const empty = await call('PATCH', `/credit/applications/${id}`, { body: { applicant: {} } });
    expect(empty.status).toBe(400);
    expect(Object.keys(empty.body.applicant)).toEqual(['_schema']);
    const broken = await call('PATCH', `/credit/applications/${id}`, { rawBody: '{"applicant":' });
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ Status: 400, Type: 'Request Error' });
  });

  it('updates the applicant, bumps date_updated and round-trips large cents exactly', async () => {
    const before = withStatus('created');
    const res = await call('PATCH', `/credit/applications/${before.application_id}`, {
      body: { applicant: { employment_status: 'self_employed', total_annual_income: 3_000_000_000, monthly_housing_payment: 0 } },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...before,
      date_updated: res.body.date_updated,
      applicant: { ...before.applicant, employment_status: 'self_employed', total_annual_income: 3_000_000_000, monthly_housing_payment: 0 },
    });
    expect(res.body.date_updated).toMatch(TIMESTAMP);
    expect(res.body.date_updated > before.date_updated).toBe(true);
    const get = await call('GET', `/credit/applications/${before.application_id}`);
    expect(get.text).toContain('"total_annual_income":3000000000');
    expect(get.body).toEqual(res.body);
  });

  it('is allowed in kyc_started and resubmit_required, refused after a decision', async () => {
    for (const status of ['kyc_started', 'resubmit_required']) {
      const res = await call('PATCH', `/credit/applications/${withStatus(status).application_id}`, {
        body: { applicant: { monthly_housing_payment: 12_345 } },
      });
      expect(res.status, status).toBe(200);
    }
    for (const status of ['approved', 'denied', 'submitted', 'under_review']) {
      const app = withStatus(status);
      const res = await call('PATCH', `/credit/applications/${app.application_id}`, {
        body: { applicant: { monthly_housing_payment: 12_345 } },
      });
      expect(res.status, status).toBe(400);
      expect(res.body).toMatchObject({ Status: 400, Code: 'invalid_request', Type: 'Request Error' });
      expect(sim.application(app.application_id)).toEqual(app);
    }
    const missing = await call('PATCH', `/credit/applications/${MISSING_UUID}`, { body: { applicant: { total_annual_income: 1 } } });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(NOT_FOUND);
  });
});

describe('POST /credit/applications', () => {
  const request = () => ({
    program_id: sim.programId,
    applicant: { customer_id: customerWithOutcome('approved', true), employment_status: 'student', total_annual_income: 1_200_000 },
  });

  it('creates an application from the customer with status created', async () => {
    const body = request();
    const res = await call<BondApplicationDto>('POST', '/credit/applications', { body });
    expect(res.status).toBe(201);
    const customer = sim.customers.find((c) => c.customer_id === body.applicant.customer_id)!;
    expect(res.body).toMatchObject({
      program_id: sim.programId,
      application_status: 'created',
      accounts: { security_deposit_account_id: null },
      applicant: {
        customer_id: customer.customer_id,
        employment_status: 'student',
        total_annual_income: 1_200_000,
        monthly_housing_payment: null,
        address_id: customer.address_id,
        first_name: customer.first_name,
        last_name: customer.last_name,
        date_of_birth: customer.date_of_birth,
        street: customer.street,
        zip_code: customer.zip_code,
        ssn: customer.ssn,
        email: customer.email,
        currency: 'USD',
      },
    });
    expect(res.body.application_id).toMatch(UUID);
    expect(res.body.date_created).toMatch(TIMESTAMP);
    expect(res.body.date_updated).toBe(res.body.date_created);
    expect(ids((await list({ limit: 1 })).body.data)).toEqual([res.body.application_id]);
  });

  it('replays the same Idempotency-Key and body, and refuses the key with another body', async () => {
    const body = request();
    const headers = { 'Idempotency-Key': 'create-1' };
    const count = sim.applications.length;
    const first = await call('POST', '/credit/applications', { body, headers });
    const reordered = { applicant: body.applicant, program_id: body.program_id };
    const replay = await call('POST', '/credit/applications', { body: reordered, headers });
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(sim.applications).toHaveLength(count + 1);

    const conflict = await call('POST', '/credit/applications', {
      body: { ...body, applicant: { ...body.applicant, total_annual_income: 1 } },
      headers,
    });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ Status: 409, Code: 'idempotency_key_exists', Type: 'Request Error' });
    const unkeyed = await call('POST', '/credit/applications', { body });
    expect(unkeyed.body.application_id).not.toBe(first.body.application_id);
    expect(sim.applications).toHaveLength(count + 2);
  });

  it('rejects unknown customers, unknown programs and invalid bodies', async () => {
    const customer = await call('POST', '/credit/applications', {
      body: { ...request(), applicant: { customer_id: MISSING_UUID } },
    });
    expect(customer.status).toBe(404);
    expect(customer.body).toMatchObject({ Status: 404, Code: 'customer_dne', Type: 'Request Error' });
    const program = await call('POST', '/credit/applications', { body: { ...request(), program_id: MISSING_UUID } });
    expect(program.status).toBe(400);
    expect(program.body).toMatchObject({ Status: 400, Code: 'invalid_program' });
    const invalid = await call('POST', '/credit/applications', {
      body: { program_id: 'x', applicant: { total_annual_income: -5 } },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toEqual({
      program_id: ['Not a valid UUID.'],
      applicant: { customer_id: ['Missing data for required field.'], total_annual_income: ['Must be greater than or equal to 0.'] },
    });
  });
});

describe('POST /credit/applications/:id/submit', () => {
  async function createFor(customerId: string): Promise<string> {
    const res = await call('POST', '/credit/applications', { body: { program_id: sim.programId, applicant: { customer_id: customerId } } });
    expect(res.status).toBe(201);
    return res.body.application_id;
  }
  const submit = (id: string, headers?: Record<string, string>) => call('POST', `/credit/applications/${id}/submit`, { headers });

  it('moves created to kyc_started, refuses a second submit, and approves on the next read', async () => {
    const id = await createFor(customerWithOutcome('approved', true));
    const res = await submit(id);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ application_id: id, application_status: 'kyc_started', accounts: { security_deposit_account_id: null } });
    const again = await submit(id);
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ Status: 400, Code: 'invalid_request', Type: 'Request Error' });
    expect(again.body.Message).toContain('kyc_started');

    const read = await call('GET', `/credit/applications/${id}`);
    expect(read.body.application_status).toBe('approved');
    expect(read.body.accounts.security_deposit_account_id).toMatch(UUID);
    expect(read.body.date_updated > res.body.date_updated).toBe(true);
    expect((await submit(id)).status).toBe(400);
  });

  it('denies customers with a failing sandbox SSN and asks timeouts to resubmit', async () => {
    const denied = await createFor(customerWithOutcome('denied'));
    const retry = await createFor(customerWithOutcome('resubmit_required'));
    expect((await submit(denied)).status).toBe(201);
    expect((await submit(retry)).status).toBe(201);
    const page = await list({ limit: 5 });
    const status = (id: string) => page.body.data.find((a) => a.application_id === id)?.application_status;
    expect(status(denied)).toBe('denied');
    expect(status(retry)).toBe('resubmit_required');
    expect((await submit(denied)).body.Message).toMatch(/new application/);
    const resubmitted = await submit(retry);
    expect(resubmitted.status).toBe(201);
    expect(resubmitted.body.application_status).toBe('kyc_started');
  });

  it('replays a keyed submit and 404s unknown applications', async () => {
    const id = withStatus('created').application_id;
    const first = await submit(id, { 'Idempotency-Key': 'submit-1' });
    await call('GET', `/credit/applications/${id}`);
    const replay = await submit(id, { 'Idempotency-Key': 'submit-1' });
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    const other = await submit(withStatus('resubmit_required').application_id, { 'Idempotency-Key': 'submit-1' });
    expect(other.status).toBe(409);
    const missing = await submit(MISSING_UUID);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(NOT_FOUND);
  });
});

describe('routing, faults, log and limits', () => {
  it('answers 405 with the standard envelope on a wrong method and 404 on an unknown path', async () => {
    const id = sim.applications[0]!.application_id;
    for (const [method, path] of [['DELETE', `/credit/applications/${id}`], ['PUT', '/credit/applications'], ['GET', `/credit/applications/${id}/submit`]] as const) {
      const res = await call(method, path);
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.body).toMatchObject({ Status: 405, Type: 'Request Error' });
    }
    expect((await call('GET', '/credit/nothing')).status).toBe(404);
  });

  it('injects faults through setFault and through the HTTP control API', async () => {
    sim.router.setFault('applications.list', { status: 503, times: 1 });
    const failed = await list();
    expect(failed.status).toBe(503);
    expect(failed.body).toMatchObject({ Status: 503, Code: 'service_unavailable', Type: 'Server Error' });
    expect((await list()).status).toBe(200);

    sim.router.setFault('application.get', { status: 429, retryAfterSeconds: 7 });
    const limited = await call('GET', `/credit/applications/${MISSING_UUID}`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.body.Code).toBe('rate_limit_exceeded');

    const origin = new URL(base).origin;
    await fetch(`${origin}/__sim/faults`, { method: 'DELETE' });
    const put = await fetch(`${origin}/__sim/faults/application.create`, { method: 'PUT', body: JSON.stringify({ status: 500 }) });
    expect(put.status).toBe(200);
    const crashed = await call('POST', '/credit/applications', { body: {} });
    expect(crashed.status).toBe(500);
    expect(crashed.body).toMatchObject({ Status: 500, Code: 'server_error', Type: 'Server Error' });
    await fetch(`${origin}/__sim/faults/application.create`, { method: 'DELETE' });
    expect((await call('POST', '/credit/applications', { body: {} })).status).toBe(400);
    const routes = (await (await fetch(`${origin}/__sim/routes`)).json()) as string[];
    expect(routes).toEqual(expect.arrayContaining(['applications.list', 'application.get', 'application.update', 'application.create', 'application.submit']));
  });

  it('logs every request by route name', async () => {
    const id = sim.applications[0]!.application_id;
    await list({ limit: 2 });
    await call('GET', `/credit/applications/${id}`);
    await call('GET', `/credit/applications/${id}`);
    await call('PATCH', `/credit/applications/${id}`, { body: {} });
    expect(sim.router.calls('applications.list')).toHaveLength(1);
    expect(sim.router.calls('application.get').map((e) => e.status)).toEqual([200, 200]);
    expect(sim.router.calls('application.update')[0]).toMatchObject({ method: 'PATCH', status: 400, body: '{}' });
    expect(sim.router.calls('applications.list')[0]!.query).toBe('limit=2');
    sim.reset();
    expect(sim.router.calls()).toHaveLength(0);
  });

  it('gzips when asked', async () => {
    const res = await fetch(`${base}/credit/applications?limit=3`, { headers: { ...AUTH, 'Accept-Encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(((await res.json()) as BondApplicationListDto).data).toHaveLength(3);
  });

  it('rate-limits per Identity when enabled', async () => {
    const limited = new BondSimulator({ rateLimit: 3 });
    const url = await limited.start(0);
    try {
      const get = () => fetch(`${url}/credit/applications?limit=1`, { headers: AUTH });
      expect((await fetch(`${url}/credit/applications`)).status).toBe(401);
      for (let i = 0; i < 3; i++) expect((await get()).status).toBe(200);
      const res = await get();
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect(await res.json()).toMatchObject({ Status: 429, Code: 'rate_limit_exceeded', Type: 'Request Error' });
    } finally {
      await limited.stop();
    }
  });

  it('reset restores the seed state', async () => {
    const before = sim.applications;
    await call('PATCH', `/credit/applications/${withStatus('created').application_id}`, { body: { applicant: { total_annual_income: 1 } } });
    await call('POST', '/credit/applications', { body: { program_id: sim.programId, applicant: { customer_id: sim.customerIds[0] } } });
    expect(sim.applications).not.toEqual(before);
    sim.reset();
    expect(sim.applications).toEqual(before);
  });
});
