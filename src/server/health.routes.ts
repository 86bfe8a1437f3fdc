import express, { type Router } from 'express';
import { runChecks, type CheckStatus, type ReadinessCheck } from './readiness.js';

// GET /healthz: the process is alive (restart it if not). GET /readyz: send it traffic? 200 while it
// can serve, even degraded (an upstream or Redis away: taking it out would not help the callers),
// and 503 only while it cannot serve at all: before it listens, and from the start of shutdown.

export type ServingState = 'starting' | 'serving' | 'draining';

export interface HealthRoutesOptions {
  checks: readonly ReadinessCheck[];
  state: () => ServingState;
  /** Each check's result as it is learnt (the readiness gauge). */
  onResult?: (check: string, status: CheckStatus) => void;
}

export function healthRoutes(options: HealthRoutesOptions): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    if (options.state() !== 'serving') return void res.status(503).json(notServing(options.state()));
    const checks = await runChecks(options.checks);
    for (const [name, result] of Object.entries(checks)) options.onResult?.(name, result.status);
    // Shutdown may have begun while the checks ran.
    if (options.state() !== 'serving') return void res.status(503).json({ ...notServing(options.state()), checks });
    const status = Object.values(checks).every((c) => c.status === 'ok') ? 'ok' : 'degraded';
    res.status(200).json({ status, checks });
  });
  return router;
}

function notServing(state: ServingState): { status: 'down'; reason: string; checks: Record<string, never> } {
  return { status: 'down', reason: state === 'starting' ? 'the gateway is starting' : 'the gateway is shutting down', checks: {} };
}
