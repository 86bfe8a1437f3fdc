import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

// The four scalars of the public contract. Each rejects bad input with BAD_USER_INPUT and a
// message that says what a valid value looks like.

function invalid(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// ISO-8601 date-time with an explicit zone; input must be unambiguous.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

function validDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.getUTCFullYear() === Number(m[1]) && date.getUTCMonth() === Number(m[2]) - 1 && date.getUTCDate() === Number(m[3]);
}

function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string' || !ISO_DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) {
    throw invalid(`DateTime must be an ISO-8601 date-time with a time zone, such as "2026-11-21T09:30:00Z"; got ${show(value)}`);
  }
  return new Date(value);
}

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An instant as an ISO-8601 string, always output in UTC (e.g. "2026-11-21T09:30:00.000Z").',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new GraphQLError(`DateTime cannot represent ${show(value)}`);
    return date.toISOString();
  },
  parseValue: parseDateTime,
  parseLiteral(ast) {
    return parseDateTime(ast.kind === Kind.STRING ? ast.value : literal(ast));
  },
});

function parseDate(value: unknown): string {
  if (typeof value !== 'string' || !validDate(value)) {
    throw invalid(`Date must be a calendar date as "YYYY-MM-DD", such as "1990-05-17"; got ${show(value)}`);
  }
  return value;
}

export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar date without time or zone, as "YYYY-MM-DD".',
  serialize(value) {
    const text = value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
    if (!validDate(text)) throw new GraphQLError(`Date cannot represent ${show(value)}`);
    return text;
  },
  parseValue: parseDate,
  parseLiteral(ast) {
    return parseDate(ast.kind === Kind.STRING ? ast.value : literal(ast));
  },
});

const DECIMAL = /^-?\d+(\.\d+)?$/;

function parseDecimal(value: unknown): string {
  // Strings keep exactness; plain numbers are accepted for convenience when they are finite.
  const text = typeof value === 'number' && Number.isFinite(value) ? decimalString(value) : value;
  if (typeof text !== 'string' || !DECIMAL.test(text) || text.length > 40) {
    throw invalid(`Decimal must be a decimal number as a string, such as "25.50"; got ${show(value)}`);
  }
  return text;
}

export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  description: 'An exact decimal number as a string (money and rates), e.g. "1250.75". Never a float.',
  serialize(value) {
    if (typeof value === 'number') return decimalString(value);
    if (typeof value === 'string' && DECIMAL.test(value)) return value;
    throw new GraphQLError(`Decimal cannot represent ${show(value)}`);
  },
  parseValue: parseDecimal,
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return parseDecimal(ast.value);
    return parseDecimal(literal(ast));
  },
});

/** Shortest round-trip text of a JSON number, without exponent notation. */
export function decimalString(value: number): string {
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return value.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 });
}

function parseCents(value: unknown): number {
  const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number)) {
    throw invalid(`Cents must be a whole number of minor units, such as 4300000 for 43,000.00; got ${show(value)}`);
  }
  if (!Number.isSafeInteger(number)) {
    throw invalid(`Cents must be between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}; got ${show(value)}`);
  }
  return number;
}

export const CentsScalar = new GraphQLScalarType<number, number>({
  name: 'Cents',
  description: 'An integer amount in minor units (cents), exact up to 2^53-1; wider than Int.',
  serialize(value) {
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
    throw new GraphQLError(`Cents cannot represent ${show(value)}`);
  },
  parseValue: parseCents,
  parseLiteral(ast) {
    // An Int literal keeps its digits as text, so values beyond 32 bits arrive intact.
    if (ast.kind === Kind.INT) return parseCents(ast.value);
    return parseCents(literal(ast));
  },
});

function literal(ast: ValueNode): unknown {
  return 'value' in ast ? ast.value : ast.kind;
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Output only: an upstream event's data as the upstream sent it, for event types this schema does not model. */
export const JsonScalar = new GraphQLScalarType<unknown, unknown>({
  name: 'JSON',
  description: 'Any JSON value, as an upstream sent it (output only).',
  serialize: (value) => value,
  parseValue() {
    throw new GraphQLError('JSON is an output type only');
  },
  parseLiteral() {
    throw new GraphQLError('JSON is an output type only');
  },
});
