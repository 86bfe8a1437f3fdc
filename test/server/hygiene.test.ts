import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonLogger } from '../../src/server/logger.js';
import { startHarness, type Harness, type HarnessOptions } from '../support/gateway.harness.js';

// What a stranger can learn from the gateway beyond the data they may see: nothing about the
// schema without a token, no field suggestions in production, no resolver traces unless a router
// is meant to collect them, and log lines whose event names no detail can overwrite.

const harnesses: Harness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
});

async function harness(options: HarnessOptions = {}): Promise<Harness> {
  const h = await startHarness(options);
  harnesses.push(h);
  return h;
}

describe('what an anonymous or curious caller can learn', () => {
  it('_service { sdl } and introspection need an authenticated caller', async () => {
    const h = await harness();
    for (const query of ['{ _service { sdl } }', '{ __schema { types { name } } }']) {
      const anonymous = await h.gql(query, undefined, { authorization: '' });
      expect(anonymous.status).toBe(401);
      expect(anonymous.text).not.toContain('CreditApplication');
      const authenticated = await h.gql(query);
      expect(authenticated.status).toBe(200);
      expect(authenticated.text).toContain('CreditApplication');
    }
  });

  it('production leaves field suggestions out of validation errors', async () => {
    const development = await harness();
    const production = await harness({ gateway: { production: true } });
    const query = '{ creditApplicaton(id: "x") { id } }';
    const dev = await development.gql(query);
    expect(dev.errors?.[0]?.message).toMatch(/Did you mean "creditApplication/);
    const prod = await production.gql(query);
    expect(prod.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(prod.errors?.[0]?.message).not.toMatch(/Did you mean/);
    expect(prod.text).not.toContain('creditApplications');
  });

  it('federation traces (ftv1) are answered only with FEDERATION_TRACES=true', async () => {
    const off = await harness();
    const on = await harness({ gateway: { federationTraces: true } });
    const headers = { 'apollo-federation-include-trace': 'ftv1' };
    const query = '{ creditApplications(first: 1) { edges { node { id } } } }';
    const withoutTraces = JSON.parse((await off.gql(query, undefined, headers)).text) as { extensions?: { ftv1?: string } };
    expect(withoutTraces.extensions?.ftv1).toBeUndefined();
    const withTraces = JSON.parse((await on.gql(query, undefined, headers)).text) as { extensions?: { ftv1?: string } };
    expect(typeof withTraces.extensions?.ftv1).toBe('string');
  });
});

describe('the log', () => {
  it("keeps the event name when a detail has a key of the same name, and the line's own fields", () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().trim().split('\n')));
    const logger = jsonLogger(stream);
    logger.warn('upstream failure', { msg: 'Bond said something', level: 'debug', time: 'then', upstream: 'bond' });
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    // pino's line: `msg`, a numeric level (40 is warn), epoch-ms time; a colliding detail keeps its value as `detail.<name>`.
    expect(line.msg).toBe('upstream failure');
    expect(line.level).toBe(40);
    expect(line.time).not.toBe('then');
    expect(line.upstream).toBe('bond');
    expect([line['detail.msg'], line['detail.level'], line['detail.time']]).toEqual(['Bond said something', 'debug', 'then']);
  });
});
