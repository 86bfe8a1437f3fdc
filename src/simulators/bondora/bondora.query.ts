// Query binding the way ASP.NET Web API binds `[FromUri] request` objects: keys are
// case-insensitive, the `request.` prefix is optional, and arrays come as repeated keys
// (`Ratings=A&Ratings=B`) or indexed ones (`Ratings[0]=A`).

export class BondoraBadRequest extends Error {
  constructor(
    message: string,
    readonly details: string | null = null,
  ) {
    super(message);
  }
}

const INT32_MAX = 2147483647;

export class BondoraQuery {
  private readonly values = new Map<string, string[]>();

  constructor(query: URLSearchParams) {
    const indexed = new Map<string, Array<{ index: number; value: string }>>();
    for (const [rawKey, value] of query) {
      let key = rawKey.trim().toLowerCase();
      if (key.startsWith('request.')) key = key.slice('request.'.length);
      const bracket = /^(.+?)\[(\d*)\]$/.exec(key);
      if (bracket) {
        const name = bracket[1]!;
        const list = indexed.get(name) ?? [];
        list.push({ index: bracket[2] === '' ? list.length : Number(bracket[2]), value });
        indexed.set(name, list);
        continue;
      }
      this.add(key, value);
    }
    for (const [name, list] of indexed) {
      list.sort((a, b) => a.index - b.index);
      for (const item of list) this.add(name, item.value);
    }
  }

  /** First non-empty value of the first alias present; empty strings bind to null in ASP.NET. */
  str(...names: string[]): string | undefined {
    return this.all(names)[0];
  }

  strs(...names: string[]): string[] | undefined {
    const values = this.all(names);
    return values.length > 0 ? values : undefined;
  }

  int(...names: string[]): number | undefined {
    const raw = this.str(...names);
    return raw === undefined ? undefined : parseInt32(raw, names[0]!);
  }

  ints(...names: string[]): number[] | undefined {
    return this.strs(...names)?.map((raw) => parseInt32(raw, names[0]!));
  }

  /** ASP.NET binds `true`/`false` in any case; anything else is a 400. */
  bool(...names: string[]): boolean | undefined {
    const raw = this.str(...names);
    if (raw === undefined) return undefined;
    const text = raw.trim().toLowerCase();
    if (text !== 'true' && text !== 'false') throw invalidValue(raw, names[0]!);
    return text === 'true';
  }

  num(...names: string[]): number | undefined {
    const raw = this.str(...names);
    if (raw === undefined) return undefined;
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(raw.trim())) throw invalidValue(raw, names[0]!);
    return Number(raw);
  }

  /** Milliseconds since epoch; a date-time without a zone is taken as UTC. */
  date(...names: string[]): number | undefined {
    const raw = this.str(...names);
    if (raw === undefined) return undefined;
    const ms = parseBondoraDate(raw);
    if (ms === undefined) throw invalidValue(raw, names[0]!);
    return ms;
  }

  /** PageNr and PageSize with the documented defaults and ranges. */
  paging(maxPageSize: number): { pageNr: number; pageSize: number } {
    const pageNr = this.int('PageNr') ?? 1;
    const pageSize = this.int('PageSize') ?? 10000;
    if (pageNr < 1) throw new BondoraBadRequest(`PageNr must be between 1 and ${INT32_MAX}.`);
    if (pageSize < 1 || pageSize > maxPageSize) {
      throw new BondoraBadRequest(`PageSize must be between 1 and ${maxPageSize}.`);
    }
    return { pageNr, pageSize };
  }

  private add(key: string, value: string): void {
    const list = this.values.get(key) ?? [];
    list.push(value);
    this.values.set(key, list);
  }

  private all(names: string[]): string[] {
    for (const name of names) {
      const values = this.values.get(name.toLowerCase())?.filter((v) => v.trim() !== '');
      if (values && values.length > 0) return values;
    }
    return [];
  }
}

function parseInt32(raw: string, name: string): number {
  const trimmed = raw.trim();
  if (!/^[+-]?\d+$/.test(trimmed)) throw invalidValue(raw, name);
  const value = Number(trimmed);
  if (value > INT32_MAX || value < -INT32_MAX - 1) throw invalidValue(raw, name);
  return value;
}

function invalidValue(raw: string, name: string): BondoraBadRequest {
  return new BondoraBadRequest(`The value '${raw}' is not valid for ${name}.`);
}

export function parseBondoraDate(raw: string): number | undefined {
  let text = raw.trim().replace(' ', 'T');
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) text += 'T00:00:00Z';
  else if (/^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(text)) text += 'Z';
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

/** A path id as ASP.NET binds a Guid: lowercased when valid, undefined when missing, malformed or empty. */
export function bindGuid(raw: string | undefined): string | undefined {
  let text = (raw ?? '').trim().replace(/^[{(](.*)[})]$/, '$1').toLowerCase();
  if (/^[0-9a-f]{32}$/.test(text)) {
    text = `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
  }
  if (!GUID.test(text) || text === EMPTY_GUID) return undefined;
  return text;
}
