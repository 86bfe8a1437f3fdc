import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type Router } from 'express';
import type { GatewayMetrics } from './metrics.registry.js';

// GET /metrics in Prometheus' text format. With METRICS_TOKEN set, only a scraper sending it as a
// bearer token gets them: endpoint names and traffic are not for everyone.

export function metricsRoute(metrics: GatewayMetrics, token: string | undefined): Router {
  const expected = token === undefined ? undefined : digest(token);
  const router = express.Router();
  router.get('/metrics', async (req, res) => {
    res.set('Cache-Control', 'no-store');
    if (expected) {
      const sent = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '')?.[1];
      // Digests of equal length, compared in constant time: the answer's timing tells nothing about the token.
      if (!sent || !timingSafeEqual(digest(sent), expected)) {
        return void res.status(401).set('WWW-Authenticate', 'Bearer realm="metrics"').type('text/plain').send('Send the METRICS_TOKEN as a bearer token\n');
      }
    }
    res.type(metrics.contentType).send(await metrics.text());
  });
  return router;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
