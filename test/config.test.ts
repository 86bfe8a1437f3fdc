import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_UPSTREAM_TIMEOUT_MS, loadConfig } from '../src/config.js';

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
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      bondora: { url: 'https://api.bondora.com', accessToken: 'tok' },
      bond: { url: 'https://sandbox.bond.tech/api/v0.1', identity: 'id', apiKey: 'key' },
      upstreamTimeoutMs: 2500,
      production: true,
    });
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
    ['BONDORA_RATE_LIMITS', { BONDORA_RATE_LIMITS: 'auctions.list=fast' }],
    ['BOND_RATE_LIMIT', { BOND_RATE_LIMIT: '1000 per minute' }],
    ['BONDORA_CLIENT_SECRET', { BONDORA_CLIENT_ID: 'app' }],
    ['BONDORA_CLIENT_ID', { BONDORA_REFRESH_TOKEN: 'r' }],
    ['BONDORA_OAUTH_SCOPES', { BONDORA_OAUTH_SCOPES: 'BidsRead; DROP' }],
  ])('rejects a bad %s with an error naming it', (variable, env) => {
    let caught: unknown;
    try {
      loadConfig(env);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe(variable);
    expect((caught as ConfigError).message).toContain(variable);
  });

  it('reads the rate-limit, cache, Redis and OAuth variables', () => {
    const config = loadConfig({
      BONDORA_RATE_LIMITS: 'default=2/1s,account.balance=12/1h',
      BOND_RATE_LIMIT: '500/1m',
      RATE_LIMIT_WAIT_MS: '2500',
      BONDORA_LIST_CACHE_TTL_MS: '0',
      REDIS_URL: 'redis://127.0.0.1:6379/2',
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
    expect(config.redis).toEqual({ url: 'redis://127.0.0.1:6379/2', keyPrefix: 'bondora-bond-gateway:' });
    expect(config.bondora.oauth).toMatchObject({ clientId: 'app', clientSecret: 'secret', scopes: 'BidsRead BidsEdit Investments' });
    expect(loadConfig({ BONDORA_RATE_LIMITS: 'off', BOND_RATE_LIMIT: 'OFF' })).toMatchObject({ bondora: { rateLimits: false }, bond: { rateLimits: false } });
  });

  it('never puts a secret value into its error message', () => {
    expect(() => loadConfig({ BOND_API_URL: 'https://sandbox.bond.tech/api/v0.1', BOND_IDENTITY: 'x', BOND_API_KEY: '' })).toThrow(
      /BOND_API_KEY is required/,
    );
  });
});
