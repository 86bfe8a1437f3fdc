// Lenient readers for upstream values: a value the gateway cannot read becomes null on its own
// field rather than failing the object around it.

/** Bondora writes some UTC date-times without a zone; they are read as UTC. */
export function toDateTime(value: string | null | undefined): Date | null {
  if (!value) return null;
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(value) ? value : `${value}Z`;
  const date = new Date(zoned);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The calendar date of a date or date-time string ("1980-05-17T00:00:00" -> "1980-05-17"). */
export function toCalendarDate(value: string | null | undefined): string | null {
  const match = value ? /^(\d{4}-\d{2}-\d{2})/.exec(value) : null;
  return match ? match[1]! : null;
}

export function toNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function toInteger(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : null;
}

export function toText(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/**
 * Reads an upstream enum value: a known one maps to the schema's value, an unknown one to null
 * (the field is nullable and its raw twin still carries the upstream value).
 */
export function toEnum<E extends string>(values: Readonly<Record<string, E>>, raw: string | number | null | undefined): E | null {
  if (raw === null || raw === undefined) return null;
  return Object.prototype.hasOwnProperty.call(values, String(raw)) ? values[String(raw)]! : null;
}
