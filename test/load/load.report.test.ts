import { describe, expect, it } from 'vitest';
import { faultMix } from './load.faults.js';
import { formatReport, verdict, type LoadResult } from './load.report.js';

const base: LoadResult = {
  durationSeconds: 60,
  clients: 200,
  faultRate: 0.05,
  requests: 60_000,
  clean: 57_000,
  errorsByCode: { UPSTREAM_ERROR: 2000, RATE_LIMITED: 100 },
  broken: 0,
  crashes: 0,
  rssStartMiB: 300,
  rssEndMiB: 320,
  unexpectedCodes: [],
  judgeMemory: true,
};

describe('load test verdict', () => {
  it('passes a clean run and prints every measure', () => {
    expect(verdict(base)).toEqual({ pass: true, reasons: [] });
    const report = formatReport(base);
    expect(report).toContain('| requests served | 60000 (1000/s) |');
    expect(report).toContain('UPSTREAM_ERROR 2000, RATE_LIMITED 100');
    expect(report).toContain('300.0 MiB / 320.0 MiB (6.7%)');
    expect(report).toContain('| verdict | PASS |');
  });

  it.each<[string, Partial<LoadResult>, RegExp]>([
    ['a crash', { crashes: 1 }, /crash/],
    ['memory growth of 20% or more', { rssEndMiB: 360 }, /RSS grew 20\.0%/],
    ['responses that are not GraphQL', { broken: 3 }, /not GraphQL JSON/],
    ['an unexpected code', { unexpectedCodes: ['INTERNAL_SERVER_ERROR'] }, /INTERNAL_SERVER_ERROR/],
    ['no success at all', { clean: 0 }, /no request succeeded/],
  ])('fails on %s', (_name, change, reason) => {
    const result = verdict({ ...base, ...change });
    expect(result.pass).toBe(false);
    expect(result.reasons.join('; ')).toMatch(reason);
  });

  it('a short run reports memory growth without judging it', () => {
    const short = { ...base, rssEndMiB: 400, judgeMemory: false };
    expect(verdict(short).pass).toBe(true);
    expect(formatReport(short)).toContain('not judged in a short run');
  });

  it('with --replicas, reports each replica\'s memory and the simulators\' 429s, and fails on any 429', () => {
    const fleet: LoadResult = {
      ...base,
      rssStartMiB: 450,
      rssEndMiB: 480,
      replicas: [
        { name: 'replica 1', rssStartMiB: 150, rssPeakMiB: 171.25 },
        { name: 'replica 2', rssStartMiB: 140, rssPeakMiB: 150 },
        { name: 'replica 3', rssStartMiB: 160, rssPeakMiB: 165 },
      ],
      upstream429s: { bondora: 0, bond: 0 },
    };
    expect(verdict(fleet)).toEqual({ pass: true, reasons: [] });
    const report = formatReport(fleet);
    expect(report).toContain('| load | 200 concurrent clients over 3 replicas on one Redis for 60 s');
    expect(report).toContain('| 429s from the simulators | Bondora 0, Bond 0 |');
    expect(report).toContain('| fleet RSS (sum) start / end | 450.0 MiB / 480.0 MiB (6.7%) |');
    expect(report).toContain('| replica 1 RSS start / peak | 150.0 MiB / 171.3 MiB |');
    expect(report.match(/\| replica \d RSS start \/ peak \|/g)).toHaveLength(3);

    const overran = verdict({ ...fleet, upstream429s: { bondora: 2, bond: 1 } });
    expect(overran.pass).toBe(false);
    expect(overran.reasons.join('; ')).toMatch(/3 429\(s\) from the simulators' limits/);
  });

  it('the single-process report has no fleet rows', () => {
    const report = formatReport(base);
    expect(report).toContain('| gateway RSS start / end |');
    expect(report).not.toMatch(/replica|429s from the simulators/);
  });

  it('the fault mix puts one fault on each upstream route at the given rate', () => {
    const mix = faultMix(0.05);
    expect(new Set(mix.map((f) => f.route)).size).toBe(mix.length);
    expect(mix.every((f) => f.fault.probability === 0.05)).toBe(true);
  });
});
