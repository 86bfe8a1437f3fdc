import { readFileSync } from 'node:fs';

// Where a V8 CPU profile's busy time went: self time by function and by package / Node module.

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export function summarizeProfile(file: string, top: number): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  return [selfTimeTable(profile, top, functionKey, 'function'), '', selfTimeTable(profile, top, moduleKey, 'package or module')].join('\n');
}

export function selfTimeTable(profile: CpuProfile, top: number, keyOf: (frame: ProfileNode['callFrame']) => string, label: string): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<string, number>();
  let busyUs = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    if (!frame || frame.functionName === '(idle)') return;
    const us = profile.timeDeltas[i] ?? 0;
    busyUs += us;
    const key = keyOf(frame);
    selfUs.set(key, (selfUs.get(key) ?? 0) + us);
  });
  const rows = [...selfUs.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [
    `| self time | share of busy time | ${label} |`,
    `|---|---|---|`,
    ...rows.map(([key, us]) => `| ${(us / 1000).toFixed(0)} ms | ${((100 * us) / busyUs).toFixed(1)}% | \`${key}\` |`),
    `| ${(busyUs / 1000).toFixed(0)} ms | 100% | all busy (non-idle) samples |`,
  ].join('\n');
}

function functionKey(frame: ProfileNode['callFrame']): string {
  const where = frame.url ? ` ${shorten(frame.url)}:${frame.lineNumber + 1}` : '';
  return `${frame.functionName || '(anonymous)'}${where}`;
}

/** node_modules package, Node's own module (undici for fetch), the project file, or the VM's pseudo-frame. */
function moduleKey(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : `native ${functionName}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:internal/deps/undici')) return 'node: undici (fetch)';
  if (url.startsWith('node:')) return `node: ${url.replace(/^node:(internal\/)?/, '').split('/')[0]!.replace(/\.js$/, '')}`;
  return shorten(url);
}

function shorten(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  return url.replace(/^file:\/\/.*?\/(src|test)\//, '$1/');
}
