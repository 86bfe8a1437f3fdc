import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEFAULT_CALLER_RATE_LIMIT,
  DEFAULT_CALLER_SHARE_PERCENT,
  DEFAULT_MAX_UPSTREAM_CALLS_PER_REQUEST,
  DEFAULT_UPSTREAM_TIMEOUT_MS,
  loadConfig,
} from '../src/config.js';

/** 32 bytes in base64, as `openssl rand -base64 32` writes them. */
const KEY_32 = Buffer.alloc(32, 7).toString('base64');
const PEM = '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAabcdefghijklmnopqrstuvwxyz0123456789ABCDEFG=\n-----END PUBLIC KEY-----';
/** How a caller's JWT is verified: what real upstreams require. */
const JWKS = { AUTH_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json', AUTH_ISSUER: 'https://idp.example.com/', AUTH_AUDIENCE: 'gateway' };
const REAL_BOND = { BOND_API_URL: 'https://sandbox.bond.tech/api/v0.1', BOND_IDENTITY: 'a', BOND_API_KEY: 'b' };

function refusalOf(env: Record<string, string>): ConfigError {
  let caught: unknown;
  try {
    loadConfig(env);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  return caught as ConfigError;
}

describe('loadConfig', () => {
  it('has working defaults: embedded simulators, 127.0.0.1:4000', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 4000,
      host: '127.0.0.1',
      bondora: { url: undefined, accessToken: undefined },
      bond: { url: undefined },
      upstreamTimeoutMs: DEFAULT_UPSTREAM_TIMEOUT_MS,
      production: false,
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.bond)).toBe(true);
    expect(Object.isFrozen(config.auth)).toBe(true);
    expect(Object.isFrozen(config.callers)).toBe(true);
  });

  it('defaults the caller settings: the dev issuer on the simulators, documented claims and limits', () => {
    const config = loadConfig({});
    expect(config.auth).toEqual({
      mode: 'dev',
      jwksUrl: undefined,
      publicKeyPem: undefined,
      issuer: undefined,
      audience: undefined,
      scopesClaim: 'scope',
      customerClaim: 'bond_customer_id',
      returnUrls: [],
    });
    expect(config.callers).toEqual({ maxUpstreamCallsPerRequest: 50, sharePercent: 25, rateLimit: { limit: 20, periodMs: 1000 } });
    expect([DEFAULT_MAX_UPSTREAM_CALLS_PER_REQUEST, DEFAULT_CALLER_SHARE_PERCENT, DEFAULT_CALLER_RATE_LIMIT]).toEqual([50, 25, { limit: 20, periodMs: 1000 }]);
    expect(config.tokenEncryptionKey).toBeUndefined();
    expect(config.federationTraces).toBe(false);
  });

  it('reads every documented variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      BONDORA_API_URL: 'https://api.bondora.com/',
      BONDORA_ACCESS_TOKEN: 'tok',
      BOND_API_URL: 'https://sandbox.bond.tech/api/v0.1',
      BOND_IDENTITY: 'id',
      BOND_API_KEY: 'key',
      UPSTREAM_TIMEOUT_MS: '2500',
      NODE_ENV: 'production',
      // Real upstreams need to know how to verify callers.
      ...JWKS,
      AUTH_SCOPES_CLAIM: 'permissions',
      AUTH_CUSTOMER_CLAIM: 'https://example.com/bond_customer',
      AUTH_RETURN_URLS: 'https://app.example.com/settings/, https://admin.example.com',
      REDIS_URL: 'redis://redis:6379/0',
      TOKEN_ENCRYPTION_KEY: KEY_32,
      MAX_UPSTREAM_CALLS_PER_REQUEST: '120',
      CALLER_SHARE_PERCENT: '40',
      CALLER_RATE_LIMIT: '100/1m',
      FEDERATION_TRACES: 'true',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      bondora: { url: 'https://api.bondora.com', accessToken: 'tok' },
      bond: { url: 'https://sandbox.bond.tech/api/v0.1', identity: 'id', apiKey: 'key' },
      upstreamTimeoutMs: 2500,
      production: true,
      redis: { url: 'redis://redis:6379/0' },
      tokenEncryptionKey: KEY_32,
      federationTraces: true,
    });
    expect(config.auth).toEqual({
      mode: 'jwt',
      jwksUrl: 'https://idp.example.com/.well-known/jwks.json',
      publicKeyPem: undefined,
      issuer: 'https://idp.example.com/',
      audience: 'gateway',
      scopesClaim: 'permissions',
      customerClaim: 'https://example.com/bond_customer',
      returnUrls: ['https://app.example.com/settings', 'https://admin.example.com'],
    });
    expect(config.callers).toEqual({ maxUpstreamCallsPerRequest: 120, sharePercent: 40, rateLimit: { limit: 100, periodMs: 60_000 } });
  });

  it('reads AUTH_PUBLIC_KEY instead of a JWKS, a one-line value with \\n escapes as newlines', () => {
    const auth = { AUTH_ISSUER: 'https://idp.example.com/', AUTH_AUDIENCE: 'gateway' };
    const multiLine = loadConfig({ ...REAL_BOND, ...auth, AUTH_PUBLIC_KEY: PEM });
    expect(multiLine.auth).toMatchObject({ mode: 'jwt', jwksUrl: undefined, publicKeyPem: PEM, issuer: 'https://idp.example.com/', audience: 'gateway' });
    const oneLine = PEM.split('\n').join('\\n');
    expect(oneLine).not.toContain('\n');
    expect(loadConfig({ ...REAL_BOND, ...auth, AUTH_PUBLIC_KEY: oneLine }).auth.publicKeyPem).toBe(PEM);
  });

  it('takes the JWT settings on the simulators too, and the dev issuer only without them', () => {
    expect(loadConfig({ ...JWKS }).auth.mode).toBe('jwt');
    expect(loadConfig({ AUTH_ISSUER: 'https://idp.example.com/' }).auth.mode).toBe('dev');
  });

  it.each(['127.0.0.1', '127.0.0.2', '::1', 'localhost'])('AUTH_DISABLED=true on the loopback HOST %s makes every caller an operator, even with real upstreams', (host) => {
    expect(loadConfig({ HOST: host, AUTH_DISABLED: 'true' }).auth.mode).toBe('disabled');
    expect(loadConfig({ HOST: host, AUTH_DISABLED: 'TRUE', ...REAL_BOND, BONDORA_API_URL: 'https://api.bondora.com' }).auth.mode).toBe('disabled');
    expect(loadConfig({ HOST: host, AUTH_DISABLED: 'false', ...JWKS }).auth.mode).toBe('jwt');
  });

  it('reads "off" and other values of the caller limits', () => {
    expect(loadConfig({ CALLER_RATE_LIMIT: 'off' }).callers.rateLimit).toBe(false);
    expect(loadConfig({ CALLER_RATE_LIMIT: 'OFF' }).callers.rateLimit).toBe(false);
    expect(loadConfig({ CALLER_RATE_LIMIT: '5/s' }).callers.rateLimit).toEqual({ limit: 5, periodMs: 1000 });
    expect(loadConfig({ CALLER_RATE_LIMIT: '1000/1h' }).callers.rateLimit).toEqual({ limit: 1000, periodMs: 3_600_000 });
    expect(loadConfig({ CALLER_SHARE_PERCENT: '100' }).callers.sharePercent).toBe(100);
    expect(loadConfig({ CALLER_SHARE_PERCENT: '1' }).callers.sharePercent).toBe(1);
    expect(loadConfig({ MAX_UPSTREAM_CALLS_PER_REQUEST: '1' }).callers.maxUpstreamCallsPerRequest).toBe(1);
    expect(loadConfig({ FEDERATION_TRACES: 'false' }).federationTraces).toBe(false);
    // A key in base64url is the same 32 bytes.
    const urlSafe = Buffer.alloc(32, 251).toString('base64url');
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', TOKEN_ENCRYPTION_KEY: urlSafe }).tokenEncryptionKey).toBe(urlSafe);
    expect(loadConfig({ TOKEN_ENCRYPTION_KEY: KEY_32 }).tokenEncryptionKey).toBe(KEY_32);
  });

  it.each([
    ['PORT', { PORT: 'eighty' }],
    ['PORT', { PORT: '70000' }],
    ['UPSTREAM_TIMEOUT_MS', { UPSTREAM_TIMEOUT_MS: '0' }],
    ['UPSTREAM_TIMEOUT_MS', { UPSTREAM_TIMEOUT_MS: '1.5' }],
    ['BONDORA_API_URL', { BONDORA_API_URL: 'api.bondora.com' }],
    ['BONDORA_API_URL', { BONDORA_API_URL: 'ftp://api.bondora.com' }],
    ['BOND_API_URL', { BOND_API_URL: 'https://x/api?key=1', BOND_IDENTITY: 'a', BOND_API_KEY: 'b' }],
    ['BOND_IDENTITY', { BOND_API_URL: 'https://sandbox.bond.tech/api/v0.1', BOND_API_KEY: 'b' }],
    ['BOND_API_KEY', { BOND_API_URL: 'https://sandbox.bond.tech/api/v0.1', BOND_IDENTITY: 'a' }],
    ['REDIS_URL', { REDIS_URL: 'localhost:6379' }],
    ['FLEET_SIZE', { FLEET_SIZE: '0' }],
    ['FLEET_SIZE', { FLEET_SIZE: 'three' }],
    ['BONDORA_RATE_LIMITS', { BONDORA_RATE_LIMITS: 'auctions.list=fast' }],
    ['BOND_RATE_LIMIT', { BOND_RATE_LIMIT: '1000 per minute' }],
    ['BONDORA_CLIENT_SECRET', { BONDORA_CLIENT_ID: 'app' }],
    ['BONDORA_CLIENT_ID', { BONDORA_REFRESH_TOKEN: 'r' }],
    ['BONDORA_OAUTH_SCOPES', { BONDORA_OAUTH_SCOPES: 'BidsRead; DROP' }],
    ['AUTH_JWKS_URL', { AUTH_JWKS_URL: 'idp.example.com/jwks', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' }],
    ['AUTH_PUBLIC_KEY', { AUTH_PUBLIC_KEY: 'not a pem', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' }],
    ['AUTH_DISABLED', { AUTH_DISABLED: 'yes' }],
    ['AUTH_RETURN_URLS', { AUTH_RETURN_URLS: 'https://app.example.com, javascript:alert(1)' }],
    ['MAX_UPSTREAM_CALLS_PER_REQUEST', { MAX_UPSTREAM_CALLS_PER_REQUEST: '0' }],
    ['MAX_UPSTREAM_CALLS_PER_REQUEST', { MAX_UPSTREAM_CALLS_PER_REQUEST: 'fifty' }],
    ['FEDERATION_TRACES', { FEDERATION_TRACES: 'on' }],
  ])('rejects a bad %s with an error naming it', (variable, env) => {
    const error = refusalOf(env);
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(variable);
  });

  describe('refuses to start without what callers and stored tokens need', () => {
    const CASES: Array<[string, string, Record<string, string>, RegExp?]> = [
      ['real Bondora without caller authentication', 'AUTH_JWKS_URL', { BONDORA_API_URL: 'https://api.bondora.com' }, /AUTH_PUBLIC_KEY.*BONDORA_API_URL or BOND_API_URL/],
      ['real Bond without caller authentication', 'AUTH_JWKS_URL', { ...REAL_BOND }, /AUTH_DISABLED=true/],
      ['AUTH_DISABLED=true with HOST=0.0.0.0', 'AUTH_DISABLED', { AUTH_DISABLED: 'true', HOST: '0.0.0.0' }, /loopback/],
      ['AUTH_DISABLED=true with a public HOST and real upstreams', 'AUTH_DISABLED', { AUTH_DISABLED: 'true', HOST: '203.0.113.7', ...REAL_BOND }],
      ['a JWKS without an issuer', 'AUTH_ISSUER', { AUTH_JWKS_URL: JWKS.AUTH_JWKS_URL, AUTH_AUDIENCE: 'gateway' }, /required with AUTH_JWKS_URL/],
      ['a JWKS without an audience', 'AUTH_AUDIENCE', { AUTH_JWKS_URL: JWKS.AUTH_JWKS_URL, AUTH_ISSUER: 'https://idp.example.com/' }, /required with AUTH_JWKS_URL/],
      ['a PEM key without an issuer', 'AUTH_ISSUER', { AUTH_PUBLIC_KEY: PEM, AUTH_AUDIENCE: 'gateway' }, /required with AUTH_PUBLIC_KEY/],
      ['a JWKS and a PEM key together', 'AUTH_JWKS_URL', { ...JWKS, AUTH_PUBLIC_KEY: PEM }, /AUTH_PUBLIC_KEY are exclusive/],
      ['REDIS_URL without TOKEN_ENCRYPTION_KEY', 'TOKEN_ENCRYPTION_KEY', { REDIS_URL: 'redis://127.0.0.1:6379/0' }, /required with REDIS_URL/],
      ['a 16-byte TOKEN_ENCRYPTION_KEY', 'TOKEN_ENCRYPTION_KEY', { TOKEN_ENCRYPTION_KEY: Buffer.alloc(16, 1).toString('base64') }, /32 bytes.*decodes to 16 bytes/],
      ['a 33-byte TOKEN_ENCRYPTION_KEY', 'TOKEN_ENCRYPTION_KEY', { REDIS_URL: 'redis://127.0.0.1:6379/0', TOKEN_ENCRYPTION_KEY: Buffer.alloc(33, 1).toString('base64') }, /decodes to 33 bytes/],
      ['a TOKEN_ENCRYPTION_KEY that is not base64', 'TOKEN_ENCRYPTION_KEY', { TOKEN_ENCRYPTION_KEY: 'correct horse battery staple, 32 chars!' }, /32 bytes/],
      ['CALLER_RATE_LIMIT without a period', 'CALLER_RATE_LIMIT', { CALLER_RATE_LIMIT: '20' }],
      ['CALLER_RATE_LIMIT of words', 'CALLER_RATE_LIMIT', { CALLER_RATE_LIMIT: 'twenty per second' }],
      ['CALLER_RATE_LIMIT of zero', 'CALLER_RATE_LIMIT', { CALLER_RATE_LIMIT: '0/1s' }],
      ['CALLER_SHARE_PERCENT of 0', 'CALLER_SHARE_PERCENT', { CALLER_SHARE_PERCENT: '0' }, /between 1 and 100/],
      ['CALLER_SHARE_PERCENT of 101', 'CALLER_SHARE_PERCENT', { CALLER_SHARE_PERCENT: '101' }, /between 1 and 100/],
      ['CALLER_SHARE_PERCENT with a fraction', 'CALLER_SHARE_PERCENT', { CALLER_SHARE_PERCENT: '12.5' }],
    ];

    it.each(CASES)('%s, naming %s', (_name, variable, env, message) => {
      const error = refusalOf(env);
      expect(error.variable).toBe(variable);
      expect(error.message).toMatch(new RegExp(`^Invalid configuration: ${variable} `));
      if (message) expect(error.message).toMatch(message);
    });

    it('never echoes a secret value, whichever refusal it is', () => {
      const secrets = {
        BONDORA_ACCESS_TOKEN: 'bondora-access-token-secret-1',
        BONDORA_CLIENT_ID: 'client-id-1',
        BONDORA_CLIENT_SECRET: 'bondora-client-secret-2',
        BONDORA_REFRESH_TOKEN: 'bondora-refresh-token-secret-3',
        BOND_API_KEY: 'bond-api-key-secret-4',
        BOND_IDENTITY: 'bond-identity-secret-5',
      };
      const values = Object.values(secrets).filter((v) => v !== 'client-id-1');
      for (const [name, variable, env] of CASES) {
        const error = refusalOf({ ...env, ...secrets });
        expect(error.variable, name).toBe(variable);
        for (const value of values) expect(error.message, name).not.toContain(value);
        for (const [key, value] of Object.entries(env)) {
          // The values that are secrets themselves: a key, and a Redis URL that may hold a password.
          if (key === 'TOKEN_ENCRYPTION_KEY' || key === 'REDIS_URL') expect(error.message, name).not.toContain(value);
        }
      }
      // A Redis password in the URL and a malformed key are not repeated either.
      const redis = refusalOf({ REDIS_URL: 'redis://:hunter2-redis-password@redis:6379/0' });
      expect(redis.message).not.toContain('hunter2');
      const badRedis = refusalOf({ REDIS_URL: 'redis//:hunter2-redis-password@redis:6379/0', TOKEN_ENCRYPTION_KEY: KEY_32 });
      expect(badRedis.variable).toBe('REDIS_URL');
      expect(badRedis.message).not.toContain('hunter2');
      const shortKey = 'c2hvcnQta2V5LXNlY3JldA==';
      const key = refusalOf({ TOKEN_ENCRYPTION_KEY: shortKey });
      expect(key.message).not.toContain(shortKey);
    });
  });

  it('reads the rate-limit, cache, Redis and OAuth variables', () => {
    const config = loadConfig({
      BONDORA_RATE_LIMITS: 'default=2/1s,account.balance=12/1h',
      BOND_RATE_LIMIT: '500/1m',
      RATE_LIMIT_WAIT_MS: '2500',
      BONDORA_LIST_CACHE_TTL_MS: '0',
      REDIS_URL: 'redis://127.0.0.1:6379/2',
      // Tokens that go to Redis are sealed, so the key comes with it.
      TOKEN_ENCRYPTION_KEY: KEY_32,
      BONDORA_CLIENT_ID: 'app',
      BONDORA_CLIENT_SECRET: 'secret',
      BONDORA_OAUTH_SCOPES: 'BidsRead BidsEdit Investments',
    });
    expect(config.bondora.rateLimits).toMatchObject({
      default: { limit: 2, periodMs: 1000, scope: 'endpoint' },
      endpoints: { 'account.balance': { limit: 12, periodMs: 3_600_000 }, 'account.investments': { limit: 5, periodMs: 3_600_000 } },
    });
    expect(config.bond.rateLimits).toEqual({ default: { limit: 500, periodMs: 60_000, scope: 'credential' } });
    expect(config.rateLimitWaitMs).toBe(2500);
    expect(config.bondora.listCacheTtlMs).toBe(0);
    expect(config.redis).toEqual({ url: 'redis://127.0.0.1:6379/2', keyPrefix: 'bondora-bond-gateway:', fleetSize: 1 });
    expect(config.tokenEncryptionKey).toBe(KEY_32);
    expect(loadConfig({ FLEET_SIZE: '3' }).redis.fleetSize).toBe(3);
    expect(config.bondora.oauth).toMatchObject({ clientId: 'app', clientSecret: 'secret', scopes: 'BidsRead BidsEdit Investments' });
    expect(loadConfig({ BONDORA_RATE_LIMITS: 'off', BOND_RATE_LIMIT: 'OFF' })).toMatchObject({ bondora: { rateLimits: false }, bond: { rateLimits: false } });
  });

  it('never puts a secret value into its error message', () => {
    expect(() => loadConfig({ BOND_API_URL: 'https://sandbox.bond.tech/api/v0.1', BOND_IDENTITY: 'x', BOND_API_KEY: '' })).toThrow(
      /BOND_API_KEY is required/,
    );
  });
});

describe('logs, metrics and traces', () => {
  it('defaults to info logs, an open /metrics and no tracing', () => {
    expect(loadConfig({}).observability).toEqual({ logLevel: 'info', metricsToken: undefined, tracing: undefined });
  });

  it('reads LOG_LEVEL and METRICS_TOKEN, refusing an unknown level', () => {
    expect(loadConfig({ LOG_LEVEL: 'DEBUG', METRICS_TOKEN: 'scrape-me' }).observability).toMatchObject({ logLevel: 'debug', metricsToken: 'scrape-me' });
    expect(refusalOf({ LOG_LEVEL: 'verbose' }).variable).toBe('LOG_LEVEL');
  });

  it('traces only with an OTLP endpoint, unless the SDK or the traces exporter is turned off', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318' };
    expect(loadConfig(endpoint).observability.tracing).toEqual({
      serviceName: 'bondora-bond-gateway',
      url: 'http://otel-collector:4318/v1/traces',
      headers: {},
    });
    expect(loadConfig({ ...endpoint, OTEL_SDK_DISABLED: 'true' }).observability.tracing).toBeUndefined();
    expect(loadConfig({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' }).observability.tracing).toBeUndefined();
    expect(loadConfig({ OTEL_SERVICE_NAME: 'x' }).observability.tracing).toBeUndefined();
    expect(refusalOf({ ...endpoint, OTEL_TRACES_EXPORTER: 'zipkin' }).variable).toBe('OTEL_TRACES_EXPORTER');
    expect(refusalOf({ ...endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }).variable).toBe('OTEL_EXPORTER_OTLP_PROTOCOL');
  });

  it('takes the traces endpoint as is, the service name and URL-encoded headers', () => {
    const tracing = loadConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ignored:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://collector.example.com/otlp/v1/traces',
      OTEL_SERVICE_NAME: 'gateway-eu',
      OTEL_EXPORTER_OTLP_HEADERS: 'Api-Key=abc%3D%3D, x-tenant=team%201',
    }).observability.tracing;
    expect(tracing).toEqual({
      serviceName: 'gateway-eu',
      url: 'https://collector.example.com/otlp/v1/traces',
      headers: { 'api-key': 'abc==', 'x-tenant': 'team 1' },
    });
    expect(refusalOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_HEADERS: 'novalue' }).variable).toBe('OTEL_EXPORTER_OTLP_HEADERS');
  });
});
