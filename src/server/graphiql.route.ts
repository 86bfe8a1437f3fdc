import { Router, type Request, type Response } from 'express';
import { graphiqlBundle, type GraphiqlBundle } from './graphiql.bundle.js';
import { GRAPHIQL_CSP, renderGraphiqlPage } from './graphiql.page.js';
import type { Logger } from './logger.js';

// GraphiQL on the GraphQL endpoint itself: a browser asking `endpoint` for HTML gets the IDE,
// every other request falls through to Apollo. The assets live under /graphiql/<bundle id>/.

export interface GraphiqlRouteOptions {
  /** The path Apollo serves, e.g. /graphql; GraphiQL posts its operations there. */
  endpoint: string;
  logger: Logger;
  /** The headers editor's content (JSON with comments); commented examples when omitted. */
  headers?: string;
}

export function graphiqlRoutes({ endpoint, logger, headers }: GraphiqlRouteOptions): Router {
  const router = Router();
  let reported = false;

  // Resolves to undefined after answering 500 itself, so a broken bundle never looks like a 404.
  const bundleOr500 = async (res: Response): Promise<GraphiqlBundle | undefined> => {
    try {
      const bundle = await graphiqlBundle();
      if (!reported) {
        reported = true;
        logger.info('GraphiQL bundle ready', { buildMs: bundle.buildMs, bundleId: bundle.id, prebuilt: bundle.prebuilt });
      }
      return bundle;
    } catch (error) {
      logger.error('GraphiQL bundle failed', { error: error instanceof Error ? error.message : String(error) });
      res.status(500).type('text/plain').send('GraphiQL could not be built; the gateway log has the details.\n');
      return undefined;
    }
  };

  router.get(endpoint, async (req, res, next) => {
    if (!prefersHtml(req)) return next();
    const bundle = await bundleOr500(res);
    if (!bundle) return;
    res
      .set({
        'Content-Security-Policy': GRAPHIQL_CSP,
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
        Vary: 'Accept',
      })
      .type('html')
      .send(renderGraphiqlPage(bundle, endpoint, headers));
  });

  router.get('/graphiql/:bundleId/:file', async (req, res, next) => {
    const bundle = await bundleOr500(res);
    if (!bundle) return;
    const asset = req.params.bundleId === bundle.id ? bundle.assets.get(req.params.file) : undefined;
    if (!asset) return next();
    const gzip = req.acceptsEncodings('gzip', 'identity') === 'gzip';
    const body = gzip ? asset.gzipped : asset.body;
    res.set({
      'Content-Type': asset.contentType,
      // The bundle id changes whenever any byte does, so a URL's content never changes.
      'Cache-Control': 'public, max-age=31536000, immutable',
      'X-Content-Type-Options': 'nosniff',
      Vary: 'Accept-Encoding',
    });
    if (gzip) res.set('Content-Encoding', 'gzip');
    res.send(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  });

  return router;
}

/** Apollo's own rule for its landing page: a GET whose Accept ranks HTML above JSON. */
function prefersHtml(req: Request): boolean {
  return req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html';
}
