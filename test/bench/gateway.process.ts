import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.js';
import type { UpstreamSettings } from '../../src/server/gateway.server.js';
import type { Logger } from '../../src/server/logger.js';
import { exitWithParent, reportReady } from './child.lifecycle.js';

// Bench child: the gateway as `npm start` builds it for production (GraphiQL off; the parent sets
// NODE_ENV=production), over the bench's simulators.
// BENCH_GATEWAY (JSON, see GatewayProcessSettings) says where the upstreams are and whether the
// loaders batch (`batching: false` is the naive-resolver baseline); `webhookKey` is the Bondora
// webhook key the bench signs its deliveries with (rows W1 and W2). With `compiled: true` the
// gateway's modules come from dist/ as `npm run build` compiles them (tsc, decorator metadata),
// built first when stale, instead of from src/ through tsx.

export interface GatewayProcessSettings {
  bondora: { url: string; token: string };
  bond: { url: string; identity: string; apiKey: string };
  batching: boolean;
  webhookKey?: { keyId: string; secretBase64: string };
  /** The documented budgets and production's caches (src/config.ts defaults) instead of none: the budgets table. */
  budgets?: boolean;
  /** With `budgets`, false turns the entity caches off (ENTITY_CACHE_TTL_MS=0, BONDORA_ENTITY_CACHE_TTL_MS=0). */
  entityCache?: boolean;
  /** The gateway's modules from dist/ (tsc, as `npm start` runs them; built first when stale) instead of src/ through tsx. */
  compiled?: boolean;
}

const settings = JSON.parse(process.env.BENCH_GATEWAY ?? '{}') as GatewayProcessSettings;

// Client-side rate budgets and list caching off, like the simulators' own limits: the bench counts
// every upstream call an operation needs. `budgets` turns both on, as deployed, for the budgets table.
const upstreams: UpstreamSettings = settings.budgets
  ? budgetedUpstreams(settings)
  : {
      bondora: { url: settings.bondora.url, accessToken: settings.bondora.token, rateLimits: false, listCacheTtlMs: 0 },
      bond: { ...settings.bond, rateLimits: false },
      timeoutMs: 10_000,
    };

/** As `npm start` configures them with no variables set: the one set of defaults is src/config.ts's. */
function budgetedUpstreams({ bondora, bond, entityCache }: GatewayProcessSettings): UpstreamSettings {
  const defaults = loadConfig({});
  const entity = (ttlMs: number) => (entityCache === false ? 0 : ttlMs);
  return {
    bondora: {
      url: bondora.url,
      accessToken: bondora.token,
      rateLimits: defaults.bondora.rateLimits,
      listCacheTtlMs: defaults.bondora.listCacheTtlMs,
      closedAuctionTtlMs: defaults.bondora.closedAuctionTtlMs,
      entityCacheTtlMs: entity(defaults.bondora.entityCacheTtlMs),
    },
    bond: { ...bond, rateLimits: defaults.bond.rateLimits, entityCacheTtlMs: entity(defaults.bond.entityCacheTtlMs) },
    timeoutMs: defaults.upstreamTimeoutMs,
    rateLimitWaitMs: defaults.rateLimitWaitMs,
  };
}

// Warnings and errors only: an info line per request would cost the gateway more than it measures.
const write = (level: string) => (message: string, detail: Record<string, unknown> = {}) => {
  process.stderr.write(`${JSON.stringify({ level, message, ...detail })}\n`);
};
const logger: Logger = { info: () => {}, warn: write('warn'), error: write('error') };

const { startGateway } = settings.compiled ? await compiledGatewayServer() : await import('../../src/server/gateway.server.js');
const gateway = await startGateway(
  {
    upstreams,
    logger,
    loaders: { batching: settings.batching },
    graphiql: false,
    // AUTH_DISABLED on loopback, no per-caller limits: the bench measures the data path, one caller at full speed.
    // The per-request bound is far above any operation's: the naive baseline's op 3 asks for 1 + 50
    // calls, and the bound counts each call a resolver asks for, even one merged with an identical
    // call in flight, so at 50 it cut that baseline short.
    auth: { mode: 'disabled' },
    callers: { maxUpstreamCallsPerRequest: 1_000, sharePercent: 100, rateLimit: false },
    // Signed Bondora deliveries only; the public URL is the gateway's own, which is what the bench signs.
    webhooks: {
      publicUrl: undefined,
      bondoraKeys: settings.webhookKey ? { [settings.webhookKey.keyId]: settings.webhookKey.secretBase64 } : {},
      bondSecrets: [],
      toleranceSeconds: 300,
      eventLogSize: 10_000,
    },
  },
  0,
  '127.0.0.1',
);
exitWithParent(() => gateway.close(), profiler(process.env.BENCH_PROFILE_FILE));
reportReady({ url: gateway.url });

/** dist/server/gateway.server.js, after the build `npm start` would run; the build's output goes to stderr, stdout is the ready line's. */
async function compiledGatewayServer(): Promise<typeof import('../../src/server/gateway.server.js')> {
  const root = new URL('../../', import.meta.url);
  execFileSync(process.execPath, [fileURLToPath(new URL('scripts/build.mjs', root)), '--if-stale'], { cwd: root, stdio: ['ignore', 2, 'inherit'] });
  return (await import(new URL('dist/server/gateway.server.js', root).href)) as typeof import('../../src/server/gateway.server.js');
}

/** "profile start" / "profile stop" on stdin: a V8 CPU profile of just that window, written to `file`. */
function profiler(file: string | undefined): ((line: string) => void) | undefined {
  if (!file) return undefined;
  const session = new Session();
  session.connect();
  return (line) => {
    const step =
      line === 'profile start'
        ? session.post('Profiler.enable').then(() => session.post('Profiler.start'))
        : line === 'profile stop'
          ? session.post('Profiler.stop').then(({ profile }) => {
              // Renamed into place whole, so the parent never reads half a file.
              writeFileSync(`${file}.tmp`, JSON.stringify(profile));
              renameSync(`${file}.tmp`, file);
            })
          : Promise.resolve();
    step.catch((error: unknown) => process.stderr.write(`profiler: ${String(error)}\n`));
  };
}
