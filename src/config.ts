// The only reader of process.env: everything else receives this frozen, validated Config.
import { BOND_RATE_LIMITS } from './upstream/bond/bond.limits.js';
import { BONDORA_RATE_LIMITS } from './upstream/bondora/bondora.limits.js';
import type { RateLimit, RateLimitTable } from './upstream/rate.scheduler.js';

export interface BondoraConfig {
  /** Origin such as https://api.bondora.com; undefined starts the embedded simulator. */
  readonly url: string | undefined;
  /** Server-side bearer token; a caller's x-bondora-token header replaces it per request. */
  readonly accessToken: string | undefined;
  /** Client-side budgets per (credential, endpoint) (BONDORA_RATE_LIMITS); false when "off". */
  readonly rateLimits: RateLimitTable | false;
  /** How long the active-auctions and bids lists are kept per credential (BONDORA_LIST_CACHE_TTL_MS). */
  readonly listCacheTtlMs: number;
  /** How long a closed auction's detail is kept per credential (BONDORA_CLOSED_AUCTION_TTL_MS; it never changes). */
  readonly closedAuctionTtlMs: number;
  /** How long an active auction's detail is kept per credential (BONDORA_ENTITY_CACHE_TTL_MS; 0, the default, keeps none). */
  readonly entityCacheTtlMs: number;
  readonly oauth: BondoraOAuthConfig;
}

export interface BondoraOAuthConfig {
  /** BONDORA_CLIENT_ID / BONDORA_CLIENT_SECRET: the registered application (the simulator's demo one when simulated). */
  readonly clientId: string | undefined;
  readonly clientSecret: string | undefined;
  /** BONDORA_REDIRECT_URI: the registered callback; defaults to this gateway's /auth/bondora/callback. */
  readonly redirectUri: string | undefined;
  /** BONDORA_REFRESH_TOKEN: a refresh token from an earlier login, so the gateway can get access tokens itself. */
  readonly refreshToken: string | undefined;
  /** BONDORA_AUTHORIZE_URL: Bondora's authorize page; defaults to app.bondora.com's (the simulator's when simulated). */
  readonly authorizeUrl: string | undefined;
  /** BONDORA_OAUTH_SCOPES: space-separated scopes asked for at login. */
  readonly scopes: string;
}

export interface BondConfig {
  /** Base including the version, such as https://sandbox.bond.tech/api/v0.1; undefined starts the embedded simulator. */
  readonly url: string | undefined;
  readonly identity: string | undefined;
  readonly apiKey: string | undefined;
  /** One budget for all calls of the key (BOND_RATE_LIMIT); false when "off". */
  readonly rateLimits: RateLimitTable | false;
  /** How long a credit application read by id is kept (ENTITY_CACHE_TTL_MS; 0 keeps none). */
  readonly entityCacheTtlMs: number;
}

/** How callers are identified (AUTH_*). */
export interface AuthConfig {
  /**
   * 'jwt': verify bearer JWTs with AUTH_JWKS_URL or AUTH_PUBLIC_KEY; 'dev': the development issuer
   * started beside the embedded simulators; 'disabled': every caller is an operator (loopback only).
   */
  readonly mode: 'jwt' | 'dev' | 'disabled';
  readonly jwksUrl: string | undefined;
  /** SPKI PEM; `\n` escapes in the variable are read as newlines. */
  readonly publicKeyPem: string | undefined;
  readonly issuer: string | undefined;
  readonly audience: string | undefined;
  readonly scopesClaim: string;
  readonly customerClaim: string;
  /** Where the Bondora OAuth callback may send the browser back (AUTH_RETURN_URLS). */
  readonly returnUrls: readonly string[];
}

/** Per-request and per-caller bounds (MAX_UPSTREAM_CALLS_PER_REQUEST, CALLER_SHARE_PERCENT, CALLER_RATE_LIMIT). */
export interface CallerLimitsConfig {
  readonly maxUpstreamCallsPerRequest: number;
  /** The most of a shared upstream budget one caller may use in its window, in percent. */
  readonly sharePercent: number;
  /** GraphQL requests per caller; false when "off". */
  readonly rateLimit: { readonly limit: number; readonly periodMs: number } | false;
}

/** Webhook receivers (WEBHOOK_*, BONDORA_WEBHOOK_KEYS, BOND_WEBHOOK_SECRETS) and the event log. */
export interface WebhooksConfig {
  /** The gateway's URL as the upstreams call it; its host is the `host` Bondora signs. Unset: this gateway's own URL. */
  readonly publicUrl: string | undefined;
  /** Bondora HTTP-signature keys by keyId (secrets as configured, base64), so keys can rotate. */
  readonly bondoraKeys: Readonly<Record<string, string>>;
  /** Bond subscription secrets (`whsec_…`); any of them may sign. */
  readonly bondSecrets: readonly string[];
  /** How far a delivery's Date / t may be from now, either side. */
  readonly toleranceSeconds: number;
  /** Events kept for replay without Redis (EVENT_LOG_SIZE). */
  readonly eventLogSize: number;
}

/** Browser frontends on other origins (CORS_*), and the operations they may send (TRUSTED_DOCUMENTS*). */
export interface FrontendsConfig {
  /** Exact origins (scheme://host[:port]) allowed to call the API from a browser; `*` for any (never with credentials). */
  readonly corsOrigins: readonly string[];
  /** CORS_ALLOW_CREDENTIALS: let browsers send cookies / HTTP auth; refused together with `*`. */
  readonly corsAllowCredentials: boolean;
  /** TRUSTED_DOCUMENTS: path of a persisted-operations manifest (client preset or Apollo format). */
  readonly trustedDocuments: string | undefined;
  /** TRUSTED_DOCUMENTS_ONLY: refuse operations not in the manifest (except for operations:adhoc callers). */
  readonly trustedDocumentsOnly: boolean;
}

/** Logs, the /metrics guard and OpenTelemetry traces (LOG_LEVEL, METRICS_TOKEN, OTEL_*). */
export interface ObservabilityConfig {
  readonly logLevel: LogLevel;
  /** METRICS_TOKEN: /metrics then requires `Authorization: Bearer <token>`; unset leaves it open. */
  readonly metricsToken: string | undefined;
  /** Where spans go (OTLP over HTTP, JSON); undefined when tracing is off. */
  readonly tracing: TracingConfig | undefined;
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface TracingConfig {
  /** OTEL_SERVICE_NAME. */
  readonly serviceName: string;
  /** OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as is, or OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces. */
  readonly url: string;
  /** OTEL_EXPORTER_OTLP_HEADERS (and _TRACES_HEADERS over them): sent with every export. */
  readonly headers: Readonly<Record<string, string>>;
}

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly bondora: BondoraConfig;
  readonly bond: BondConfig;
  readonly upstreamTimeoutMs: number;
  /** How long one operation may wait for rate-limit slots before failing with RATE_LIMITED (RATE_LIMIT_WAIT_MS). */
  readonly rateLimitWaitMs: number;
  /** Ports of `npm run simulators` (the embedded simulators of `npm start` take free ports). */
  readonly simulatorPorts: { readonly bondora: number; readonly bond: number };
  /** BONDORA_SIM_PUBLISH_MS: how often the embedded Bondora simulator publishes a new auction (0: never). */
  readonly simulatorPublishMs: number;
  readonly production: boolean;
  /**
   * REDIS_URL: what replicas share (OAuth, upstream budgets, kept answers and calls in flight, APQ,
   * events); unset keeps it in this process. FLEET_SIZE: how many replicas share the upstream
   * limits, so each takes 1/FLEET_SIZE of them while Redis is unavailable.
   */
  readonly redis: { readonly url: string | undefined; readonly keyPrefix: string; readonly fleetSize: number };
  /** GraphiQL for browsers on GET /graphql (GRAPHIQL); on unless production. */
  readonly graphiql: boolean;
  /** Schema introspection (INTROSPECTION); on unless production. */
  readonly introspection: boolean;
  readonly auth: AuthConfig;
  /** TOKEN_ENCRYPTION_KEY, base64 of 32 bytes: seals stored OAuth tokens (required with REDIS_URL). */
  readonly tokenEncryptionKey: string | undefined;
  readonly callers: CallerLimitsConfig;
  /** FEDERATION_TRACES: answer a router's ftv1 trace requests. */
  readonly federationTraces: boolean;
  readonly webhooks: WebhooksConfig;
  readonly frontends: FrontendsConfig;
  readonly observability: ObservabilityConfig;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Invalid configuration: ${variable} ${message}`);
    this.name = 'ConfigError';
  }
}

export const DEFAULT_UPSTREAM_TIMEOUT_MS = 10_000;
export const DEFAULT_RATE_LIMIT_WAIT_MS = 10_000;
export const DEFAULT_LIST_CACHE_TTL_MS = 2_000;
/**
 * A credit application changes through our own writes (which drop it at once) and through Bond's
 * decisions, which its webhooks announce (which drop it too): 5 s only bounds how stale an answer
 * can be when a webhook is late or not wired, while a screen's repeated reads within it cost nothing.
 */
export const DEFAULT_ENTITY_CACHE_TTL_MS = 5_000;
export const DEFAULT_MAX_UPSTREAM_CALLS_PER_REQUEST = 50;
export const DEFAULT_CALLER_SHARE_PERCENT = 25;
export const DEFAULT_CALLER_RATE_LIMIT = { limit: 20, periodMs: 1000 } as const;

export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };

  const bondoraUrl = url(read, 'BONDORA_API_URL');
  const bondUrl = url(read, 'BOND_API_URL');
  const bond: BondConfig = {
    url: bondUrl,
    identity: read('BOND_IDENTITY'),
    apiKey: read('BOND_API_KEY'),
    rateLimits: bondRateLimit(read),
    entityCacheTtlMs: integer(read, 'ENTITY_CACHE_TTL_MS', DEFAULT_ENTITY_CACHE_TTL_MS, 0, 3_600_000),
  };
  // Bond keys come only from configuration, so a real Bond without them could never work.
  if (bondUrl && !bond.identity) throw new ConfigError('BOND_IDENTITY', 'is required when BOND_API_URL is set');
  if (bondUrl && !bond.apiKey) throw new ConfigError('BOND_API_KEY', 'is required when BOND_API_URL is set');

  const production = read('NODE_ENV') === 'production';
  const host = read('HOST') ?? '127.0.0.1';
  const redis = {
    url: redisUrl(read),
    keyPrefix: read('REDIS_KEY_PREFIX') ?? 'bondora-bond-gateway:',
    fleetSize: integer(read, 'FLEET_SIZE', 1, 1, 1000),
  };
  const tokenEncryptionKey = encryptionKey(read);
  // Tokens written to a shared store must be sealed: the Redis is outside this process.
  if (redis.url && !tokenEncryptionKey) {
    throw new ConfigError('TOKEN_ENCRYPTION_KEY', 'is required with REDIS_URL (32 random bytes, base64: `openssl rand -base64 32`)');
  }
  return deepFreeze({
    port: integer(read, 'PORT', 4000, 0, 65535),
    host,
    bondora: {
      url: bondoraUrl,
      accessToken: read('BONDORA_ACCESS_TOKEN'),
      rateLimits: bondoraRateLimits(read),
      listCacheTtlMs: integer(read, 'BONDORA_LIST_CACHE_TTL_MS', DEFAULT_LIST_CACHE_TTL_MS, 0, 3_600_000),
      closedAuctionTtlMs: integer(read, 'BONDORA_CLOSED_AUCTION_TTL_MS', 86_400_000, 0, 604_800_000),
      entityCacheTtlMs: integer(read, 'BONDORA_ENTITY_CACHE_TTL_MS', 0, 0, 3_600_000),
      oauth: bondoraOAuth(read),
    },
    bond,
    upstreamTimeoutMs: integer(read, 'UPSTREAM_TIMEOUT_MS', DEFAULT_UPSTREAM_TIMEOUT_MS, 1, 600_000),
    rateLimitWaitMs: integer(read, 'RATE_LIMIT_WAIT_MS', DEFAULT_RATE_LIMIT_WAIT_MS, 0, 600_000),
    simulatorPorts: {
      bondora: integer(read, 'BONDORA_SIMULATOR_PORT', 4001, 0, 65535),
      bond: integer(read, 'BOND_SIMULATOR_PORT', 4002, 0, 65535),
    },
    simulatorPublishMs: integer(read, 'BONDORA_SIM_PUBLISH_MS', 20_000, 0, 86_400_000),
    production,
    redis,
    graphiql: flag(read, 'GRAPHIQL', !production),
    introspection: flag(read, 'INTROSPECTION', !production),
    auth: authConfig(read, host, Boolean(bondoraUrl || bondUrl)),
    tokenEncryptionKey,
    callers: {
      maxUpstreamCallsPerRequest: integer(read, 'MAX_UPSTREAM_CALLS_PER_REQUEST', DEFAULT_MAX_UPSTREAM_CALLS_PER_REQUEST, 1, 10_000),
      sharePercent: integer(read, 'CALLER_SHARE_PERCENT', DEFAULT_CALLER_SHARE_PERCENT, 1, 100),
      rateLimit: callerRateLimit(read),
    },
    federationTraces: flag(read, 'FEDERATION_TRACES', false),
    frontends: frontendsConfig(read),
    observability: observabilityConfig(read),
    webhooks: {
      publicUrl: url(read, 'WEBHOOK_PUBLIC_URL'),
      bondoraKeys: bondoraWebhookKeys(read),
      bondSecrets: bondWebhookSecrets(read),
      toleranceSeconds: integer(read, 'WEBHOOK_TOLERANCE_SECONDS', 300, 1, 86_400),
      eventLogSize: integer(read, 'EVENT_LOG_SIZE', 10_000, 1, 10_000_000),
    },
  });
}

function observabilityConfig(read: Reader): ObservabilityConfig {
  const level = (read('LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new ConfigError('LOG_LEVEL', `takes one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
  return { logLevel: level as LogLevel, metricsToken: read('METRICS_TOKEN'), tracing: tracingConfig(read) };
}

/** The standard OpenTelemetry variables: traces go out only when an OTLP endpoint is named. */
function tracingConfig(read: Reader): TracingConfig | undefined {
  const tracesEndpoint = url(read, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const endpoint = url(read, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  if (!tracesEndpoint && !endpoint) return undefined;
  if (/^true$/i.test(read('OTEL_SDK_DISABLED') ?? '')) return undefined;
  const exporter = (read('OTEL_TRACES_EXPORTER') ?? 'otlp').toLowerCase();
  if (exporter === 'none') return undefined;
  if (exporter !== 'otlp') throw new ConfigError('OTEL_TRACES_EXPORTER', `takes otlp or none here, got "${exporter}"`);
  for (const name of ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL']) {
    const protocol = read(name);
    if (protocol !== undefined && protocol !== 'http/json') throw new ConfigError(name, `takes http/json here (spans are sent as OTLP JSON), got "${protocol}"`);
  }
  return {
    serviceName: read('OTEL_SERVICE_NAME') ?? 'bondora-bond-gateway',
    url: tracesEndpoint ?? `${endpoint}/v1/traces`,
    headers: { ...otlpHeaders(read, 'OTEL_EXPORTER_OTLP_HEADERS'), ...otlpHeaders(read, 'OTEL_EXPORTER_OTLP_TRACES_HEADERS') },
  };
}

/** "api-key=abc,x-tenant=t%201": W3C baggage-like pairs with URL-encoded values. */
function otlpHeaders(read: Reader, name: string): Record<string, string> {
  const raw = read(name);
  if (raw === undefined) return {};
  const headers: Record<string, string> = {};
  for (const entry of raw.split(',').map((e) => e.trim()).filter(Boolean)) {
    const at = entry.indexOf('=');
    const key = entry.slice(0, at).trim().toLowerCase();
    if (at < 1 || !/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(key)) throw new ConfigError(name, 'takes name=value pairs, comma-separated');
    try {
      headers[key] = decodeURIComponent(entry.slice(at + 1).trim());
    } catch {
      throw new ConfigError(name, `has a value that is not URL-encoded for "${key}"`);
    }
  }
  return headers;
}

function frontendsConfig(read: Reader): FrontendsConfig {
  const corsAllowCredentials = flag(read, 'CORS_ALLOW_CREDENTIALS', false);
  const corsOrigins = (read('CORS_ORIGINS') ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean)
    .map((origin) => {
      if (origin === '*') {
        if (corsAllowCredentials) throw new ConfigError('CORS_ORIGINS', '"*" is refused with CORS_ALLOW_CREDENTIALS=true: list the exact origins');
        return origin;
      }
      let parsed: URL;
      try {
        parsed = new URL(origin);
      } catch {
        throw new ConfigError('CORS_ORIGINS', `takes exact origins such as https://app.example.com, got "${origin}"`);
      }
      if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.origin !== origin.replace(/\/$/, '')) {
        throw new ConfigError('CORS_ORIGINS', `takes exact origins (scheme://host[:port], no path), got "${origin}"`);
      }
      return parsed.origin;
    });
  const trustedDocuments = read('TRUSTED_DOCUMENTS');
  const trustedDocumentsOnly = flag(read, 'TRUSTED_DOCUMENTS_ONLY', false);
  if (trustedDocumentsOnly && !trustedDocuments) throw new ConfigError('TRUSTED_DOCUMENTS', 'is required with TRUSTED_DOCUMENTS_ONLY=true');
  return { corsOrigins, corsAllowCredentials, trustedDocuments, trustedDocumentsOnly };
}

/** "keyId:base64secret,keyId2:base64secret2" */
function bondoraWebhookKeys(read: Reader): Record<string, string> {
  const raw = read('BONDORA_WEBHOOK_KEYS');
  if (raw === undefined) return {};
  const keys: Record<string, string> = {};
  for (const entry of raw.split(',').map((e) => e.trim()).filter(Boolean)) {
    const at = entry.indexOf(':');
    const keyId = entry.slice(0, at).trim();
    const secret = entry.slice(at + 1).trim();
    if (at < 1 || !secret || !/^[A-Za-z0-9+/=_-]+$/.test(secret) || Buffer.from(secret, 'base64').length < 16) {
      throw new ConfigError('BONDORA_WEBHOOK_KEYS', 'takes keyId:base64secret pairs (secrets of 16 bytes or more), comma-separated');
    }
    keys[keyId] = secret;
  }
  return keys;
}

function bondWebhookSecrets(read: Reader): string[] {
  const raw = read('BOND_WEBHOOK_SECRETS');
  if (raw === undefined) return [];
  const secrets = raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (secrets.some((s) => !/^whsec_\S{16,}$/.test(s))) {
    throw new ConfigError('BOND_WEBHOOK_SECRETS', 'takes Bond subscription secrets (whsec_…), comma-separated');
  }
  return secrets;
}

const LOOPBACK_HOST = /^(127(?:\.\d{1,3}){3}|::1|\[::1\]|localhost)$/i;

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOST.test(host);
}

function authConfig(read: Reader, host: string, realUpstreams: boolean): AuthConfig {
  const jwksUrl = url(read, 'AUTH_JWKS_URL');
  const publicKeyPem = read('AUTH_PUBLIC_KEY')?.replace(/\\n/g, '\n');
  const base = {
    jwksUrl,
    publicKeyPem,
    issuer: read('AUTH_ISSUER'),
    audience: read('AUTH_AUDIENCE'),
    scopesClaim: read('AUTH_SCOPES_CLAIM') ?? 'scope',
    customerClaim: read('AUTH_CUSTOMER_CLAIM') ?? 'bond_customer_id',
    returnUrls: returnUrls(read),
  };
  if (jwksUrl && publicKeyPem) throw new ConfigError('AUTH_JWKS_URL', 'and AUTH_PUBLIC_KEY are exclusive: set one');
  if (publicKeyPem && !/-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----/.test(publicKeyPem)) {
    throw new ConfigError('AUTH_PUBLIC_KEY', 'must be a PEM public key (-----BEGIN PUBLIC KEY----- ...)');
  }
  if (flag(read, 'AUTH_DISABLED', false)) {
    // Without authentication every caller acts with the gateway's credentials: only this machine may call.
    if (!isLoopbackHost(host)) {
      throw new ConfigError('AUTH_DISABLED', `=true is only allowed when HOST is a loopback address (127.0.0.1, ::1), got HOST=${host}`);
    }
    return { ...base, mode: 'disabled' };
  }
  if (jwksUrl || publicKeyPem) {
    if (!base.issuer) throw new ConfigError('AUTH_ISSUER', `is required with ${jwksUrl ? 'AUTH_JWKS_URL' : 'AUTH_PUBLIC_KEY'}`);
    if (!base.audience) throw new ConfigError('AUTH_AUDIENCE', `is required with ${jwksUrl ? 'AUTH_JWKS_URL' : 'AUTH_PUBLIC_KEY'}`);
    return { ...base, mode: 'jwt' };
  }
  if (realUpstreams) {
    throw new ConfigError(
      'AUTH_JWKS_URL',
      'or AUTH_PUBLIC_KEY (with AUTH_ISSUER and AUTH_AUDIENCE) is required when BONDORA_API_URL or BOND_API_URL is set; AUTH_DISABLED=true on a loopback HOST turns authentication off',
    );
  }
  return { ...base, mode: 'dev' };
}

function returnUrls(read: Reader): string[] {
  const raw = read('AUTH_RETURN_URLS');
  if (raw === undefined) return [];
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => url((name) => (name === 'AUTH_RETURN_URLS' ? entry : undefined), 'AUTH_RETURN_URLS')!);
}

function encryptionKey(read: Reader): string | undefined {
  const raw = read('TOKEN_ENCRYPTION_KEY');
  if (raw === undefined) return undefined;
  const bytes = /^[A-Za-z0-9+/_-]+={0,2}$/.test(raw) ? Buffer.from(raw, 'base64').length : 0;
  if (bytes !== 32) throw new ConfigError('TOKEN_ENCRYPTION_KEY', `must be 32 bytes in base64 (\`openssl rand -base64 32\`); it decodes to ${bytes} bytes`);
  return raw;
}

function callerRateLimit(read: Reader): CallerLimitsConfig['rateLimit'] {
  const raw = read('CALLER_RATE_LIMIT');
  if (raw === undefined) return DEFAULT_CALLER_RATE_LIMIT;
  if (/^off$/i.test(raw)) return false;
  const { limit, periodMs } = rate('CALLER_RATE_LIMIT', raw, 'credential');
  return { limit, periodMs };
}

type Reader = (name: string) => string | undefined;

function integer(read: Reader, name: string, fallback: number, min: number, max: number): number {
  const raw = read(name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

// Everything the gateway serves: bids, the account and its investments, and trading on the secondary market.
export const DEFAULT_BONDORA_SCOPES = 'BidsRead BidsEdit Investments SmBuy SmSell';

function bondoraOAuth(read: Reader): BondoraOAuthConfig {
  const oauth: BondoraOAuthConfig = {
    clientId: read('BONDORA_CLIENT_ID'),
    clientSecret: read('BONDORA_CLIENT_SECRET'),
    redirectUri: url(read, 'BONDORA_REDIRECT_URI'),
    refreshToken: read('BONDORA_REFRESH_TOKEN'),
    authorizeUrl: url(read, 'BONDORA_AUTHORIZE_URL'),
    scopes: read('BONDORA_OAUTH_SCOPES') ?? DEFAULT_BONDORA_SCOPES,
  };
  if (oauth.clientId && !oauth.clientSecret) throw new ConfigError('BONDORA_CLIENT_SECRET', 'is required with BONDORA_CLIENT_ID');
  if (oauth.clientSecret && !oauth.clientId) throw new ConfigError('BONDORA_CLIENT_ID', 'is required with BONDORA_CLIENT_SECRET');
  if (oauth.refreshToken && !oauth.clientId) {
    throw new ConfigError('BONDORA_CLIENT_ID', 'and BONDORA_CLIENT_SECRET are required with BONDORA_REFRESH_TOKEN');
  }
  if (!/^[A-Za-z]+([ ,][A-Za-z]+)*$/.test(oauth.scopes)) {
    throw new ConfigError('BONDORA_OAUTH_SCOPES', `takes space-separated scope names such as "${DEFAULT_BONDORA_SCOPES}"`);
  }
  return oauth;
}

const PERIOD_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "5/1h" -> 5 per hour; the period's number may be omitted ("1/s"). */
function rate(name: string, text: string, scope: RateLimit['scope']): RateLimit {
  const m = /^(\d+)\s*\/\s*(\d*)\s*([smhd])$/i.exec(text.trim());
  if (!m || Number(m[1]) < 1) throw new ConfigError(name, `takes limits like "1/1s" or "5/1h", got "${text}"`);
  return { limit: Number(m[1]), periodMs: Number(m[2] || '1') * PERIOD_MS[m[3]!.toLowerCase()]!, scope };
}

/** "off", or overrides of the documented table: "default=1/1s,account.balance=12/1h". */
function bondoraRateLimits(read: Reader): RateLimitTable | false {
  const raw = read('BONDORA_RATE_LIMITS');
  if (raw === undefined) return BONDORA_RATE_LIMITS;
  if (/^off$/i.test(raw)) return false;
  let table: RateLimitTable = { ...BONDORA_RATE_LIMITS, endpoints: { ...BONDORA_RATE_LIMITS.endpoints } };
  for (const entry of raw.split(',')) {
    const [endpoint, value] = entry.split('=').map((part) => part.trim());
    if (!endpoint || !value) throw new ConfigError('BONDORA_RATE_LIMITS', `takes entries like "auctions.list=1/1s", got "${entry}"`);
    const limit = rate('BONDORA_RATE_LIMITS', value, 'endpoint');
    table = endpoint === 'default' ? { ...table, default: limit } : { ...table, endpoints: { ...table.endpoints, [endpoint]: limit } };
  }
  return table;
}

function bondRateLimit(read: Reader): RateLimitTable | false {
  const raw = read('BOND_RATE_LIMIT');
  if (raw === undefined) return BOND_RATE_LIMITS;
  if (/^off$/i.test(raw)) return false;
  return { default: rate('BOND_RATE_LIMIT', raw, 'credential') };
}

function redisUrl(read: Reader): string | undefined {
  const raw = read('REDIS_URL');
  if (raw === undefined) return undefined;
  if (!/^rediss?:\/\/\S+$/.test(raw)) throw new ConfigError('REDIS_URL', 'must look like redis://host:6379/0 or rediss://...');
  return raw;
}

function flag(read: Reader, name: string, fallback: boolean): boolean {
  const raw = read(name);
  if (raw === undefined) return fallback;
  if (/^true$/i.test(raw)) return true;
  if (/^false$/i.test(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function url(read: Reader, name: string): string | undefined {
  const raw = read(name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be an absolute http(s) URL, got "${raw}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(name, `must use http or https, got "${parsed.protocol}"`);
  }
  if (parsed.search || parsed.hash) throw new ConfigError(name, 'must not carry a query string or fragment');
  return raw.replace(/\/+$/, '');
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (child && typeof child === 'object') deepFreeze(child as object);
  }
  return Object.freeze(value);
}
