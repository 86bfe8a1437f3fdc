import { fleetOptionsOf, HttpClient, type FleetOptions, type HttpRequest, type UpstreamErrorBody } from '../http.js';
import type { RateLimitTable } from '../rate.scheduler.js';
import type { RequestScope } from '../request.scope.js';
import { UpstreamError } from '../upstream.error.js';
import { BOND_INVALIDATES, BOND_RATE_LIMITS } from './bond.limits.js';
import type {
  BondAdverseActionDto,
  BondApplicantPatchDto,
  BondApplicationCreateDto,
  BondApplicationDto,
  BondApplicationListDto,
  BondApplicationListQuery,
} from './bond.dto.js';
import type { UpstreamObserver } from '../upstream.observer.js';

/** Shared state of a fleet (Redis): kept answers, in-flight calls, budgets. */
export interface BondHttpOptions extends FleetOptions {
  baseUrl: string;
  timeoutMs: number;
  identity: string;
  apiKey: string;
  /** Client-side budget (Bond's 1000 per minute by default); false sends unthrottled. */
  rateLimits?: RateLimitTable | false;
  /** The most of the key's budget one caller may spend (CALLER_SHARE_PERCENT). */
  callerSharePercent?: number;
  /** How long an application read by id is kept (ENTITY_CACHE_TTL_MS); 0 keeps none. */
  entityCacheTtlMs?: number;
  /** Metrics, readiness and traces of its calls. */
  observer?: UpstreamObserver;
}

const APPLICATION_GET = 'application.get';
const applicationPath = (id: string) => `/credit/applications/${encodeURIComponent(id)}`;

export function createBondHttp(options: BondHttpOptions): HttpClient {
  return new HttpClient({
    upstream: 'bond',
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
    // Brand secrets: set once here, never taken from callers.
    headers: { identity: options.identity, authorization: options.apiKey },
    describeError: describeBondError,
    rateLimits: options.rateLimits === false ? undefined : (options.rateLimits ?? BOND_RATE_LIMITS),
    cache: { ttlMs: { [APPLICATION_GET]: options.entityCacheTtlMs ?? 0 } },
    invalidates: BOND_INVALIDATES,
    callerSharePercent: options.callerSharePercent,
    observer: options.observer,
    ...fleetOptionsOf(options),
  });
}

/** Bond said this application changed (its webhook): the kept copy goes, here and in Redis. */
export function forgetBondApplication(http: HttpClient, id: string): Promise<void> {
  return http.forgetKey(APPLICATION_GET, applicationPath(id));
}

/**
 * Bond's services answer errors in several shapes: the standard `{Message, Status, Code, Type}`,
 * the credit service's `{status, code, message, details}`, `{Error}`, `{message}`, and
 * schema-validation maps of field -> messages (possibly nested). Read them all.
 */
export function describeBondError(body: unknown): UpstreamErrorBody | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const record = body as Record<string, unknown>;
  const message = firstString(record.Message, record.message, record.Error, record.error);
  const code = firstString(record.Code, record.status) ?? (typeof record.code === 'number' ? record.code : firstString(record.code));
  if (message !== undefined) return { message, code };
  const fields = validationMessages(record);
  if (fields.length === 0) return undefined;
  return { message: fields.join('; '), code: 'validation_error', field: fields[0]!.slice(0, fields[0]!.indexOf(':')) };
}

function firstString(...values: unknown[]): string | undefined {
  return values.find((v): v is string => typeof v === 'string' && v !== '');
}

function validationMessages(value: Record<string, unknown>, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, entry] of Object.entries(value)) {
    const field = prefix ? `${prefix}.${key}` : key;
    if (Array.isArray(entry)) out.push(`${field}: ${entry.filter((e) => typeof e === 'string').join(' ')}`);
    else if (typeof entry === 'string') out.push(`${field}: ${entry}`);
    else if (entry && typeof entry === 'object') out.push(...validationMessages(entry as Record<string, unknown>, field));
  }
  return out;
}

/** One method per Bond credit-application endpoint. */
export class BondClient {
  constructor(
    private readonly http: HttpClient,
    private readonly scope: RequestScope = {},
  ) {}

  async listApplications(query: BondApplicationListQuery): Promise<BondApplicationListDto> {
    const body = await this.json({ method: 'GET', endpoint: 'applications.list', path: '/credit/applications', query: { ...query } });
    const list = body as BondApplicationListDto | undefined;
    if (!list || !Array.isArray(list.data) || typeof list.has_more !== 'boolean') throw shapeError('a list page');
    return list;
  }

  async getApplication(id: string): Promise<BondApplicationDto> {
    return application(
      await this.json({ method: 'GET', endpoint: APPLICATION_GET, path: applicationPath(id) }),
    );
  }

  async updateApplicant(id: string, applicant: BondApplicantPatchDto): Promise<BondApplicationDto> {
    return application(
      await this.json({
        method: 'PATCH',
        endpoint: 'application.update',
        path: applicationPath(id),
        body: { applicant },
        drops: [{ endpoint: APPLICATION_GET, path: applicationPath(id) }],
      }),
    );
  }

  async createApplication(body: BondApplicationCreateDto, idempotencyKey: string): Promise<BondApplicationDto> {
    return application(
      await this.json({
        method: 'POST',
        endpoint: 'application.create',
        path: '/credit/applications',
        body,
        headers: { 'idempotency-key': idempotencyKey },
      }),
    );
  }

  async submitApplication(id: string, idempotencyKey: string): Promise<BondApplicationDto> {
    return application(
      await this.json({
        method: 'POST',
        endpoint: 'application.submit',
        path: `${applicationPath(id)}/submit`,
        drops: [{ endpoint: APPLICATION_GET, path: applicationPath(id) }],
        headers: { 'idempotency-key': idempotencyKey },
      }),
    );
  }

  /**
   * The application's adverse action. Bond answers 404 when there is none (a NOT_FOUND
   * UpstreamError, as for an unknown application). Its docs leave open whether the body is one
   * object or a list: a list yields its newest entry, an empty one counts as none.
   */
  async getAdverseAction(applicationId: string): Promise<BondAdverseActionDto> {
    const body = await this.json({
      method: 'GET',
      endpoint: 'application.adverse_actions',
      path: `/credit/applications/${encodeURIComponent(applicationId)}/adverse-actions`,
    });
    const dto = Array.isArray(body) ? newest(body as BondAdverseActionDto[]) : (body as BondAdverseActionDto | undefined);
    if (dto === null) throw new UpstreamError('bond', 'NOT_FOUND', 'Bond has no such item', { status: 404 });
    if (!dto || typeof dto !== 'object' || typeof dto.id !== 'string' || !Array.isArray(dto.reasons)) throw shapeError('an adverse action');
    return dto;
  }

  private async json(req: HttpRequest): Promise<unknown> {
    const response = await this.http.request({ ...req, ...this.scope });
    return response.body;
  }
}

function application(body: unknown): BondApplicationDto {
  const dto = body as BondApplicationDto | undefined;
  if (!dto || typeof dto.application_id !== 'string' || !dto.applicant) throw shapeError('a credit application');
  return dto;
}

function newest(list: BondAdverseActionDto[]): BondAdverseActionDto | null {
  const dated = list.filter((a) => a && typeof a === 'object');
  if (dated.length === 0) return null;
  return dated.reduce((a, b) => (String(b.date_created ?? '') > String(a.date_created ?? '') ? b : a));
}

function shapeError(expected: string): UpstreamError {
  return new UpstreamError('bond', 'ERROR', `Bond returned an unexpected response (expected ${expected})`);
}
