// The only reader of process.env: everything else receives this frozen, validated Config.

export interface BondoraConfig {
  /** Origin such as https://api.bondora.com; undefined starts the embedded simulator. */
  readonly url: string | undefined;
  /** Server-side bearer token; a caller's x-bondora-token header replaces it per request. */
  readonly accessToken: string | undefined;
}

export interface BondConfig {
  /** Base including the version, such as https://sandbox.bond.tech/api/v0.1; undefined starts the embedded simulator. */
  readonly url: string | undefined;
  readonly identity: string | undefined;
  readonly apiKey: string | undefined;
}

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly bondora: BondoraConfig;
  readonly bond: BondConfig;
  readonly upstreamTimeoutMs: number;
  /** Ports of `npm run simulators` (the embedded simulators of `npm start` take free ports). */
  readonly simulatorPorts: { readonly bondora: number; readonly bond: number };
  readonly production: boolean;
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
  };
  // Bond keys come only from configuration, so a real Bond without them could never work.
  if (bondUrl && !bond.identity) throw new ConfigError('BOND_IDENTITY', 'is required when BOND_API_URL is set');
  if (bondUrl && !bond.apiKey) throw new ConfigError('BOND_API_KEY', 'is required when BOND_API_URL is set');

  return deepFreeze({
    port: integer(read, 'PORT', 4000, 0, 65535),
    host: read('HOST') ?? '127.0.0.1',
    bondora: { url: bondoraUrl, accessToken: read('BONDORA_ACCESS_TOKEN') },
    bond,
    upstreamTimeoutMs: integer(read, 'UPSTREAM_TIMEOUT_MS', DEFAULT_UPSTREAM_TIMEOUT_MS, 1, 600_000),
    simulatorPorts: {
      bondora: integer(read, 'BONDORA_SIMULATOR_PORT', 4001, 0, 65535),
      bond: integer(read, 'BOND_SIMULATOR_PORT', 4002, 0, 65535),
    },
    production: read('NODE_ENV') === 'production',
  });
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
