import type { BondApplicationDto } from '../../upstream/bond/bond.dto.js';
import { SimRouter, mulberry32, type SimHandler, type SimRequest, type SimResponse } from '../sim.router.js';
import { bondErrorBody, bondStandardError, creditNotFound, standardErrorResponse, unauthorized } from './bond.errors.js';
import { BondIdempotency, requestFingerprint } from './bond.idempotency.js';
import { pageApplications, parseListQuery } from './bond.paging.js';
import { BondRateLimiter } from './bond.rate-limit.js';
import {
  BOND_DEFAULT_SEED,
  bondApplicant,
  bondKycOutcome,
  bondListOrder,
  bondMicros,
  bondTimestamp,
  buildBondSeed,
  randomUuid,
  type BondSeed,
  type BondSeedCustomer,
} from './bond.seed.js';
import { validateApplicantUpdate, validateApplicationCreate } from './bond.validation.js';
import { bondCreditEventBody, type BondAdverseActionDto, type BondCreditEvent } from './bond.webhook.events.js';
import { BondWebhooks, type BondWebhookSubscriptionDto } from './bond.webhooks.js';
import type { DeliveryRecord, WebhookSenderOptions } from '../webhook.sender.js';

// A faithful HTTP stand-in for the Bond API v0.1 credit-application endpoints.
//
// Where Bond's docs are silent, the simulator decides (see also bond.paging.ts, bond.idempotency.ts):
// - PATCH is allowed while the application is `created`, `kyc_started` (KYC may ask to re-enter
//   information) or `resubmit_required`; any other status is a 400 `invalid_request`.
// - Submit moves `created`/`resubmit_required` to `kyc_started` (201). KYC then completes on the next
//   read (any GET or list): the customer's sandbox SSN decides `approved` (with a new security
//   deposit account), `denied` or `resubmit_required`, as Bond's sandbox magic SSNs do. Seeded
//   applications already in `kyc_started`/`submitted` stay there.
// - Any id that names no application, UUID-shaped or not, is the credit service's 404.
// - Webhooks (bond.webhooks.ts): `credit.application.created` on create, `.submitted` on submit, and
//   the KYC outcome (`.approved`, `.adverse_action`, `.resubmit_required`) when KYC completes. A denied
//   application gets an adverse action, served by GET .../adverse-actions (seeded denials have one too).
//   reset() keeps webhook subscriptions, since they are wiring rather than data.

export interface BondSimulatorOptions {
  seed?: number;
  /** requests per minute per key, default 1000; false = off (default for tests) */
  rateLimit?: number | false;
  /** Retry and time-out settings of webhook delivery (tests use tiny delays); default 8 attempts from 1 s, doubling. */
  webhookDelivery?: WebhookSenderOptions;
}

const ADVERSE_REASONS = ['Unable to verify identity'];

const UPDATABLE_STATUSES = new Set(['created', 'kyc_started', 'resubmit_required']);
const SUBMITTABLE_STATUSES = new Set(['created', 'resubmit_required']);

export class BondSimulator {
  static readonly DEMO_IDENTITY: string = 'de300000-0000-4000-8000-000000000007';
  static readonly DEMO_API_KEY: string = 'bond-demo-key-sandbox-simulator-only-this-is-not-a-secret-000007';
  static readonly BASE_PATH = '/api/v0.1' as const;

  readonly router: SimRouter;
  private readonly seedNumber: number;
  private readonly seed: BondSeed;
  private readonly customersById: Map<string, BondSeedCustomer>;
  private readonly idempotency = new BondIdempotency();
  private readonly limiter: BondRateLimiter | undefined;
  private readonly store = new Map<string, BondApplicationDto>();
  private ordered: BondApplicationDto[] = [];
  private pendingKyc = new Set<string>();
  private readonly adverseActions = new Map<string, BondAdverseActionDto>();
  private readonly webhooks: BondWebhooks;
  private random: () => number = Math.random;
  private lastMicros = 0;
  private baseUrl: string | undefined;

  constructor(options: BondSimulatorOptions = {}) {
    this.seedNumber = options.seed ?? BOND_DEFAULT_SEED;
    this.seed = buildBondSeed(this.seedNumber);
    this.customersById = new Map(this.seed.customers.map((c) => [c.customer_id, c]));
    const rateLimit = options.rateLimit ?? false;
    this.limiter = rateLimit === false ? undefined : new BondRateLimiter(rateLimit);
    this.webhooks = new BondWebhooks(() => this.timestamp(), options.webhookDelivery);
    this.router = new SimRouter({ errorBody: bondErrorBody });
    const applications = `${BondSimulator.BASE_PATH}/credit/applications`;
    const webhooks = `${BondSimulator.BASE_PATH}/webhooks`;
    this.router
      .route('GET', '/auth/health/alive', 'auth.health', () => ({ status: 200, body: { status: 'alive' } }))
      .route('GET', applications, 'applications.list', this.guard((req) => this.list(req)))
      .route('POST', applications, 'application.create', this.guard((req, identity) => this.idempotent(req, identity, () => this.create(req))))
      .route('GET', `${applications}/:id`, 'application.get', this.guard((req) => this.get(req)))
      .route('PATCH', `${applications}/:id`, 'application.update', this.guard((req) => this.update(req)))
      .route('POST', `${applications}/:id/submit`, 'application.submit', this.guard((req, identity) => this.idempotent(req, identity, () => this.submit(req))))
      .route('GET', `${applications}/:id/adverse-actions`, 'application.adverse_actions', this.guard((req) => this.getAdverseAction(req)))
      .route('POST', webhooks, 'webhooks.create', this.guard((req) => this.webhooks.create(req.parsedBody())))
      .route('GET', webhooks, 'webhooks.list', this.guard(() => this.webhooks.listResponse()));
    this.router.controlRoute('POST', '/__sim/webhooks', (body) => {
      const { url, events } = JSON.parse(body.toString('utf8')) as { url: string; events: string[] };
      return { status: 200, body: this.subscribeWebhook(url, events) };
    });
    this.reset();
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    const origin = await this.router.listen(port, host);
    this.baseUrl = `${origin}${BondSimulator.BASE_PATH}`;
    return this.baseUrl;
  }

  /** Also cancels pending webhook deliveries. */
  async stop(): Promise<void> {
    await Promise.all([this.router.close(), this.webhooks.sender.close()]);
    this.baseUrl = undefined;
  }

  /** Base URL including the version path, e.g. http://127.0.0.1:PORT/api/v0.1. */
  get url(): string {
    if (!this.baseUrl) throw new Error('BondSimulator is not started');
    return this.baseUrl;
  }

  /** All applications newest first (the list order), as copies. */
  get applications(): BondApplicationDto[] {
    return this.ordered.map((a) => structuredClone(a));
  }

  application(id: string): BondApplicationDto | undefined {
    const app = this.store.get(id.toLowerCase());
    return app && structuredClone(app);
  }

  /** Seeded customers in seed order: the first has the most applications, the last has none. */
  get customerIds(): string[] {
    return this.seed.customers.map((c) => c.customer_id);
  }

  /** Seeded customers with their sandbox SSNs (see bondKycOutcome), as copies. */
  get customers(): BondSeedCustomer[] {
    return this.seed.customers.map((c) => ({ ...c }));
  }

  get programId(): string {
    return this.seed.programId;
  }

  /** Subscribes `url` to `events` (wildcards allowed) without an HTTP call, e.g. to wire a gateway with a fresh secret. */
  subscribeWebhook(url: string, events: string[]): { webhook_id: string; secret: string } {
    const { webhook_id, secret } = this.webhooks.subscribe(url, events);
    return { webhook_id, secret };
  }

  /** Every subscription as GET /webhooks lists it. */
  get webhookSubscriptions(): BondWebhookSubscriptionDto[] {
    return this.webhooks.list;
  }

  /** Removes every subscription and drops pending deliveries. */
  clearWebhooks(): void {
    this.webhooks.clear();
  }

  /** Every delivery attempt, oldest first. */
  get webhookDeliveries(): DeliveryRecord[] {
    return [...this.webhooks.deliveries];
  }

  /** Resolves when no webhook delivery is in flight or waiting for a retry. */
  webhooksIdle(): Promise<void> {
    return this.webhooks.sender.idle();
  }

  /**
   * Back to the seed state; also clears the request log, faults, idempotency keys, rate windows and
   * webhook deliveries. Webhook subscriptions stay.
   */
  reset(): void {
    this.store.clear();
    for (const app of this.seed.applications) this.store.set(app.application_id, structuredClone(app));
    this.ordered = [...this.store.values()].sort(bondListOrder);
    this.pendingKyc = new Set();
    this.seedAdverseActions();
    this.webhooks.sender.reset();
    this.random = mulberry32(this.seedNumber ^ 0x5eed5);
    // New timestamps always sort after every seeded one, even on a machine with a skewed clock.
    this.lastMicros = Math.max(...this.ordered.map((a) => bondMicros(a.date_updated)));
    this.idempotency.clear();
    this.limiter?.clear();
    this.router.clearLog();
    this.router.clearFaults();
  }

  private list(req: SimRequest): SimResponse {
    this.settleKyc();
    const query = parseListQuery(req.query);
    if (!query.ok) return query.response;
    const page = pageApplications(this.ordered, query.value, (id) => this.store.get(id.toLowerCase()));
    if (!page.ok) return page.response;
    return { status: 200, body: structuredClone(page.value) };
  }

  private get(req: SimRequest): SimResponse {
    this.settleKyc();
    const app = this.find(req);
    return app ? { status: 200, body: structuredClone(app) } : creditNotFound();
  }

  private update(req: SimRequest): SimResponse {
    const input = validateApplicantUpdate(req.parsedBody());
    if (!input.ok) return { status: 400, body: input.errors };
    const app = this.find(req);
    if (!app) return creditNotFound();
    if (!UPDATABLE_STATUSES.has(app.application_status)) {
      return standardErrorResponse(
        400,
        `Credit application ${app.application_id} cannot be updated in status '${app.application_status}'.`,
        'invalid_request',
      );
    }
    Object.assign(app.applicant, input.value);
    app.date_updated = this.timestamp();
    return { status: 200, body: structuredClone(app) };
  }

  private create(req: SimRequest): SimResponse {
    const input = validateApplicationCreate(req.parsedBody());
    if (!input.ok) return { status: 400, body: input.errors };
    const { program_id, applicant } = input.value;
    if (program_id !== this.seed.programId) {
      return standardErrorResponse(400, `Program ${program_id} is not a valid card program for this brand.`, 'invalid_program');
    }
    const customer = this.customersById.get(applicant.customer_id);
    if (!customer) return standardErrorResponse(404, `Customer ${applicant.customer_id} does not exist.`, 'customer_dne');
    const now = this.timestamp();
    const app: BondApplicationDto = {
      application_id: randomUuid(this.random),
      program_id,
      date_created: now,
      date_updated: now,
      application_status: 'created',
      applicant: bondApplicant(customer, {
        employment_status: applicant.employment_status ?? null,
        total_annual_income: applicant.total_annual_income ?? null,
        monthly_housing_payment: applicant.monthly_housing_payment ?? null,
      }),
      accounts: { security_deposit_account_id: null },
    };
    this.store.set(app.application_id, app);
    this.ordered.push(app);
    this.ordered.sort(bondListOrder);
    this.emit('credit.application.created', app);
    return { status: 201, body: structuredClone(app) };
  }

  private submit(req: SimRequest): SimResponse {
    const app = this.find(req);
    if (!app) return creditNotFound();
    const status = app.application_status;
    if (!SUBMITTABLE_STATUSES.has(status)) {
      const hint = status === 'denied' ? ' A denied application cannot be resubmitted; create a new application.' : '';
      return standardErrorResponse(
        400,
        `Credit application ${app.application_id} cannot be submitted in status '${status}'.${hint}`,
        'invalid_request',
      );
    }
    app.application_status = 'kyc_started';
    app.date_updated = this.timestamp();
    this.pendingKyc.add(app.application_id);
    this.emit('credit.application.submitted', app);
    return { status: 201, body: structuredClone(app) };
  }

  private getAdverseAction(req: SimRequest): SimResponse {
    this.settleKyc();
    const app = this.find(req);
    const action = app && this.adverseActions.get(app.application_id);
    return action ? { status: 200, body: structuredClone(action) } : creditNotFound();
  }

  /** Completes the KYC of every application submitted since the last read. */
  private settleKyc(): void {
    for (const id of this.pendingKyc) {
      const app = this.store.get(id);
      if (!app || app.application_status !== 'kyc_started') continue;
      const customer = this.customersById.get(app.applicant.customer_id);
      const outcome = customer ? bondKycOutcome(customer.sandbox_ssn) : 'approved';
      app.application_status = outcome;
      if (outcome === 'approved') app.accounts.security_deposit_account_id = randomUuid(this.random);
      app.date_updated = this.timestamp();
      if (outcome === 'approved') this.emit('credit.application.approved', app);
      else if (outcome === 'resubmit_required') this.emit('credit.application.resubmit_required', app);
      else {
        const action = this.adverseAction(app, app.date_updated, randomUuid(this.random));
        this.emit('credit.application.adverse_action', app, action);
      }
    }
    this.pendingKyc.clear();
  }

  private adverseAction(app: BondApplicationDto, when: string, id: string): BondAdverseActionDto {
    const action: BondAdverseActionDto = {
      id,
      application_id: app.application_id,
      date_created: when,
      date_updated: when,
      service: 'kyc',
      reasons: [...ADVERSE_REASONS],
    };
    this.adverseActions.set(app.application_id, action);
    return action;
  }

  /** Seeded denials get their adverse action from a stream of their own, so new ids stay as they were. */
  private seedAdverseActions(): void {
    this.adverseActions.clear();
    const random = mulberry32(this.seedNumber ^ 0xad7e);
    for (const app of this.ordered) {
      if (app.application_status === 'denied') this.adverseAction(app, app.date_updated, randomUuid(random));
    }
  }

  private emit(event: BondCreditEvent, app: BondApplicationDto, adverseAction?: BondAdverseActionDto): void {
    const rawSsn = this.customersById.get(app.applicant.customer_id)?.sandbox_ssn;
    this.webhooks.emit(bondCreditEventBody(event, app, this.timestamp(), rawSsn, adverseAction));
  }

  private find(req: SimRequest): BondApplicationDto | undefined {
    return this.store.get((req.params['id'] ?? '').toLowerCase());
  }

  /** Authenticates with the Identity + Authorization key pair, then applies the rate limit per Identity. */
  private guard(handler: (req: SimRequest, identity: string) => SimResponse): SimHandler {
    return (req) => {
      const identity = header(req, 'identity');
      if (identity !== BondSimulator.DEMO_IDENTITY || header(req, 'authorization') !== BondSimulator.DEMO_API_KEY) {
        return unauthorized();
      }
      const retryAfter = this.limiter?.take(identity);
      if (retryAfter !== undefined) {
        return {
          status: 429,
          headers: { 'retry-after': String(retryAfter) },
          body: bondStandardError(429, `API calls quota exceeded: at most ${this.limiter?.perMinute} calls per minute.`, 'rate_limit_exceeded'),
        };
      }
      return handler(req, identity);
    };
  }

  private idempotent(req: SimRequest, identity: string, handler: () => SimResponse): SimResponse {
    const fingerprint = requestFingerprint(req.method, req.path, req.body);
    return this.idempotency.run(identity, header(req, 'idempotency-key'), fingerprint, handler);
  }

  /** A strictly increasing "now", so two writes in the same microsecond still order. */
  private timestamp(): string {
    const micros = Math.floor((performance.timeOrigin + performance.now()) * 1000);
    this.lastMicros = Math.max(micros, this.lastMicros + 1);
    return bondTimestamp(this.lastMicros);
  }
}

function header(req: SimRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
