import type { ApolloServerPlugin } from '@apollo/server';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { RequestHandler } from 'express';
import type { TracingConfig } from '../config.js';
import type { UpstreamObserver } from '../upstream/upstream.observer.js';

// OpenTelemetry traces, when an OTLP endpoint is configured: a SERVER span per /graphql request
// (continuing the caller's `traceparent`), named after its operation, with a CLIENT span per
// upstream attempt beneath it whose context travels on as the upstream request's `traceparent`.
// The SDK is loaded only when tracing is on: a gateway without it pays for none of its modules.
// Spans carry endpoint names and statuses, never URLs, query strings or headers.

const TRACER_NAME = 'bondora-bond-gateway';

export interface Tracing {
  /** Opens the request's SERVER span and runs the rest of the request in its context. */
  middleware: RequestHandler;
  /** Names the request's span after its operation and marks GraphQL errors on it. */
  plugin: ApolloServerPlugin;
  /** A CLIENT span per upstream attempt, and the `traceparent` header it sends. */
  observer: UpstreamObserver;
  /** Exports what is buffered and lets go of the global tracer, context manager and propagator. */
  shutdown(): Promise<void>;
}

export async function startTracing(config: TracingConfig): Promise<Tracing> {
  const [{ TracerProvider, BatchSpanProcessor, ParentBasedSampler, AlwaysOnSampler }, { OTLPTraceExporter }, { AsyncLocalStorageContextManager }, { W3CTraceContextPropagator }, { resourceFromAttributes }, { ATTR_SERVICE_NAME }] =
    await Promise.all([
      import('@opentelemetry/sdk-trace'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/context-async-hooks'),
      import('@opentelemetry/core'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/semantic-conventions'),
    ]);
  const exporter = new OTLPTraceExporter({ url: config.url, headers: { ...config.headers } });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName }),
    // A caller that decided not to sample its trace is followed; a request without one is sampled.
    sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
    spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 1000 })],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  const tracer = provider.getTracer(TRACER_NAME);

  return {
    middleware: serverSpans(tracer),
    plugin: operationNaming(),
    observer: clientSpans(tracer),
    async shutdown() {
      try {
        await provider.shutdown();
      } finally {
        trace.disable();
        propagation.disable();
        context.disable();
      }
    },
  };
}

function serverSpans(tracer: Tracer): RequestHandler {
  return (req, res, next) => {
    const parent = propagation.extract(context.active(), req.headers);
    const span = tracer.startSpan(
      `${req.method} /graphql`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'http.route': '/graphql', 'url.path': '/graphql' } },
      parent,
    );
    const end = () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    res.once('finish', end);
    res.once('close', () => {
      if (!res.writableFinished) end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}

function operationNaming(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const span: Span | undefined = trace.getActiveSpan();
      if (!span) return;
      return {
        async didResolveOperation(ctx) {
          const type = ctx.operation?.operation ?? 'unknown';
          const name = ctx.operationName ?? undefined;
          span.updateName(name ? `${type} ${name.slice(0, 100)}` : type);
          span.setAttribute('graphql.operation.type', type);
          if (name) span.setAttribute('graphql.operation.name', name.slice(0, 100));
        },
        async willSendResponse(ctx) {
          const body = ctx.response.body;
          const errors = body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors;
          const code = errors?.[0]?.extensions?.code;
          if (errors?.length) {
            span.setAttribute('graphql.error.code', typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR');
            span.setStatus({ code: SpanStatusCode.ERROR, message: typeof code === 'string' ? code : undefined });
          }
        },
      };
    },
  };
}

function clientSpans(tracer: Tracer): UpstreamObserver {
  return {
    onAttempt: () => {},
    onThrottled: () => {},
    onRateWait: () => {},
    onCacheLookup: () => {},
    traceAttempt(upstream, endpoint, method, headers) {
      const span = tracer.startSpan(`${method} ${endpoint}`, {
        kind: SpanKind.CLIENT,
        attributes: { upstream, endpoint, 'http.request.method': method },
      });
      propagation.inject(trace.setSpan(context.active(), span), headers);
      return {
        end(outcome) {
          if (typeof outcome === 'number') {
            span.setAttribute('http.response.status_code', outcome);
            if (outcome >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
          } else {
            span.setAttribute('error.type', outcome);
            span.setStatus({ code: SpanStatusCode.ERROR });
          }
          span.end();
        },
      };
    },
  };
}
