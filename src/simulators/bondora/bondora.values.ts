// Small value helpers shared by the Bondora seed and simulator: seeded picks, GUIDs and the
// date format.

export type Random = () => number;

export const COUNTRIES = ['EE', 'FI', 'ES', 'SK'] as const;
export const RATINGS = ['AA', 'A', 'B', 'C', 'D', 'E', 'F', 'HR'] as const;
export const TERMS = [3, 9, 12, 18, 24, 36, 48, 60] as const;

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export function between(rand: Random, min: number, max: number): number {
  return min + rand() * (max - min);
}

export function intBetween(rand: Random, min: number, max: number): number {
  return min + Math.floor(rand() * (max - min + 1));
}

export function pick<T>(rand: Random, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

export function round4(value: number): number {
  return Math.round(value * 10000) / 10000;
}

/** Ordinal comparison, so ordering never depends on the process locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A lowercase hyphenated version-4 GUID drawn from the seeded generator, so ids repeat per seed. */
export function guid(rand: Random): string {
  const hex: string[] = [];
  for (let i = 0; i < 32; i++) hex.push(Math.floor(rand() * 16).toString(16));
  hex[12] = '4';
  hex[16] = (8 + Math.floor(rand() * 4)).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/**
 * Bondora's documented UTC form, `2024-05-25T18:13:30.3636705Z` (ISO 8601, seven fractional digits,
 * `Z`). All simulator dates are UTC, including the `…UTC`-named ones, so every value carries the Z.
 * `ticks` (0..9999) fills the digits below the millisecond.
 */
export function bondoraDate(ms: number, ticks = 0): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 23)}${String(ticks).padStart(4, '0')}Z`;
}

/** A seeded timestamp with seeded sub-millisecond digits, as .NET DateTime values look. */
export function seededDate(rand: Random, ms: number): string {
  return bondoraDate(Math.floor(ms), Math.floor(rand() * 10000));
}

/** A date with no time of day (birth dates), still in the same UTC format. */
export function dayDate(ms: number): string {
  return bondoraDate(Math.floor(ms / DAY_MS) * DAY_MS);
}

/** The same day-of-month and time `months` later (clamped to the month's last day), in UTC. */
export function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return target.getTime();
}

/** A 32-bit FNV-1a hash, so a text (an investor's key) can pick its own seeded stream. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Date-time text (`bondoraDate`) or null. */
export function dateOrNull(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : bondoraDate(ms);
}
