import { cpuSeconds, machineBusySeconds } from './machine.info.js';

// CPU accounting of a bench phase: each named process, this load process, and everything else on
// the machine, so a row measured while outsiders were busy can be flagged.

export interface CpuReading {
  /** "gateway 61%, simulators 19%, load generator 48%, other processes 3%" (% of one core). */
  text: string;
  /** CPU seconds of each named process. */
  seconds: Record<string, number>;
  /** CPU that processes outside the bench used meanwhile, % of one core. */
  othersPct: number;
}

/** Starts counting the CPU time of the given processes, of this one and of everything else on the machine. */
export function cpuMeter(pids: Record<string, number>): () => CpuReading {
  const wall = performance.now();
  const machine = machineBusySeconds();
  const before = Object.entries(pids).map(([name, pid]) => [name, pid, cpuSeconds(pid)] as const);
  const self = process.cpuUsage();
  return () => {
    const elapsedS = (performance.now() - wall) / 1000;
    const pct = (s: number) => Math.round((100 * s) / elapsedS);
    const used = before.map(([name, pid, s]) => [name, cpuSeconds(pid) - s] as const);
    const load = process.cpuUsage(self);
    const loadS = (load.user + load.system) / 1e6;
    const ours = used.reduce((sum, [, s]) => sum + s, loadS);
    const othersPct = Math.max(0, pct(machineBusySeconds() - machine - ours));
    const text = [...used.map(([name, s]) => `${name} ${pct(s)}%`), `load generator ${pct(loadS)}%`, `other processes ${othersPct}%`].join(', ');
    return { text, othersPct, seconds: Object.fromEntries(used) };
  };
}
