import { readFileSync } from 'node:fs';
import os from 'node:os';

// The machine a run happened on, and per-process readings from /proc (Linux).

export function machineLine(): string {
  const cpuinfo = readOr('/proc/cpuinfo', '');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown CPU';
  const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(readOr('/proc/meminfo', ''))?.[1] ?? os.totalmem() / 1024);
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  return `nproc ${os.availableParallelism()}, ${model}, ${(memKb / 1024 / 1024).toFixed(1)} GiB RAM, Node ${process.version}, ${os.type()} ${os.release()}, load average at start ${load}`;
}

/** Peak resident set size (VmHWM) of a live process, in bytes. */
export function peakRssBytes(pid: number): number {
  const kb = /^VmHWM:\s+(\d+)\s+kB/m.exec(readOr(`/proc/${pid}/status`, ''))?.[1];
  if (!kb) throw new Error(`no VmHWM for pid ${pid} (is it running? is this Linux?)`);
  return Number(kb) * 1024;
}

/** CPU time (user + system) a process has used so far, in seconds; NaN when unreadable. */
export function cpuSeconds(pid: number): number {
  const stat = readOr(`/proc/${pid}/stat`, '');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15 (1-based).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / 100; // USER_HZ is 100 on Linux
}

function readOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

/** CPU time (all cores, all processes) the machine has spent busy since boot, in seconds. */
export function machineBusySeconds(): number {
  const line = readOr('/proc/stat', '').split('\n')[0] ?? '';
  // cpu  user nice system idle iowait irq softirq steal ...
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / 100;
}

/** Current resident set size (VmRSS) of a live process, in bytes. */
export function rssBytes(pid: number): number {
  return Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(readOr(`/proc/${pid}/status`, ''))?.[1] ?? Number.NaN) * 1024;
}
