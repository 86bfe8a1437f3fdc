import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/gateway.harness.js';

// Traces exported over OTLP/HTTP to a receiver in this test: the operation's span continues the
// caller's trace, each upstream attempt is a child of it, and the upstream saw that trace in its
// `traceparent`. The receiver accepts what the exporter sends (JSON), gzip or not.

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: Array<{ key: string; value: OtlpValue }>;
  status?: { code?: number };
}
interface Export {
  contentType: string | undefined;
  headers: http.IncomingHttpHeaders;
  body: { resourceSpans: Array<{ resource: { attributes: Array<{ key: string; value: OtlpValue }> }; scopeSpans: Array<{ spans: OtlpSpan[] }> }> };
}

const SPAN_KIND = { SERVER: 2, CLIENT: 3 } as const;
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

const exports: Export[] = [];
let receiver: http.Server;
let receiverUrl: string;
let h: Harness;
let spans: OtlpSpan[];
let bondoraCalls: ReturnType<Harness['bondora']['router']['calls']>;
let bondCalls: ReturnType<Harness['bond']['router']['calls']>;

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
      exports.push({ contentType: req.headers['content-type'], headers: req.headers, body: JSON.parse(text) as Export['body'] });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  h = await startHarness({
    gateway: { tracing: { serviceName: 'gateway-under-test', url: `${receiverUrl}/v1/traces`, headers: { 'x-collector-key': 'collector-key-1' } } },
  });
  h.resetTraffic();
  const res = await h.gql(
    'query TracedScreen { auctions(first: 2) { edges { node { id } } } creditApplications(first: 1) { edges { node { id } } } }',
    undefined,
    { traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01` },
  );
  expect(res.errors).toBeUndefined();
  // A request without a traceparent starts a trace of its own.
  expect((await h.gql('query Untraced { auctions(first: 1) { edges { node { id } } } }')).errors).toBeUndefined();
  bondoraCalls = h.bondora.router.calls();
  bondCalls = h.bond.router.calls();
  // Closing flushes the batch.
  await h.close();
  spans = exports.flatMap((e) => e.body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));
});
afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
});

const attr = (span: OtlpSpan, key: string): string | number | undefined => {
  const value = span.attributes?.find((a) => a.key === key)?.value;
  return value?.stringValue ?? (value?.intValue === undefined ? undefined : Number(value.intValue));
};

describe('OpenTelemetry traces', () => {
  it('are sent as OTLP JSON to the configured URL with the configured headers and service name', () => {
    expect(exports.length).toBeGreaterThan(0);
    expect(exports[0]!.contentType).toMatch(/^application\/json/);
    expect(exports[0]!.headers['x-collector-key']).toBe('collector-key-1');
    const service = exports[0]!.body.resourceSpans[0]!.resource.attributes.find((a) => a.key === 'service.name');
    expect(service?.value.stringValue).toBe('gateway-under-test');
  });

  it("continue the caller's trace with a server span named after the operation", () => {
    const servers = spans.filter((s) => s.kind === SPAN_KIND.SERVER && s.traceId === TRACE_ID);
    expect(servers).toHaveLength(1);
    const server = servers[0]!;
    expect(server.parentSpanId).toBe(CALLER_SPAN);
    expect(server.name).toBe('query TracedScreen');
    expect(attr(server, 'graphql.operation.name')).toBe('TracedScreen');
    expect(attr(server, 'graphql.operation.type')).toBe('query');
    expect(attr(server, 'http.response.status_code')).toBe(200);
  });

  it('make each upstream attempt a client span beneath it, as many as the simulators saw', () => {
    const server = spans.find((s) => s.kind === SPAN_KIND.SERVER && s.traceId === TRACE_ID)!;
    const clients = spans.filter((s) => s.kind === SPAN_KIND.CLIENT && s.traceId === TRACE_ID);
    const tracedBondora = bondoraCalls.filter((c) => String(c.headers.traceparent ?? '').includes(TRACE_ID));
    const tracedBond = bondCalls.filter((c) => String(c.headers.traceparent ?? '').includes(TRACE_ID));
    expect(tracedBondora.length).toBeGreaterThan(0);
    expect(tracedBond.length).toBeGreaterThan(0);
    expect(clients).toHaveLength(tracedBondora.length + tracedBond.length);
    for (const client of clients) {
      expect(client.parentSpanId).toBe(server.spanId);
      expect(client.name).toMatch(/^GET (auctions\.list|applications\.list)$/);
      expect(attr(client, 'http.response.status_code')).toBe(200);
      expect(['bondora', 'bond']).toContain(attr(client, 'upstream'));
    }
    expect(clients.filter((c) => attr(c, 'upstream') === 'bond')).toHaveLength(tracedBond.length);
  });

  it("send the client span's context upstream as traceparent", () => {
    const clientIds = new Set(spans.filter((s) => s.kind === SPAN_KIND.CLIENT).map((s) => s.spanId));
    for (const call of [...bondoraCalls, ...bondCalls]) {
      const m = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(String(call.headers.traceparent));
      expect(m, `traceparent on ${call.route}`).not.toBeNull();
      expect(clientIds.has(m![2]!)).toBe(true);
    }
    // The untraced request started its own trace.
    expect(new Set([...bondoraCalls, ...bondCalls].map((c) => String(c.headers.traceparent).slice(3, 35))).size).toBe(2);
  });

  it('carry no URL, query string or header values', () => {
    const text = JSON.stringify(spans);
    expect(text).not.toMatch(/https?:\/\//);
    expect(text).not.toContain('?');
    expect(text).not.toContain(h.operatorToken);
    expect(text).not.toMatch(/Bearer/i);
  });
});
