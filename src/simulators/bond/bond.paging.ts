import { BOND_MAX_PAGE_SIZE, type BondApplicationDto, type BondApplicationListDto } from '../../upstream/bond/bond.dto.js';
import type { SimResponse } from '../sim.router.js';
import { standardErrorResponse } from './bond.errors.js';
import { bondListOrder } from './bond.seed.js';
import { isUuid } from './bond.validation.js';

// Cursor paging of GET /credit/applications. Bond documents the parameters but not the edge
// cases, so these choices are ours:
// - `limit` outside 1..50 or not an integer is a 400 `invalid_parameter` (the docs' own example
//   sends limit=100; rejecting it loudly beats silently clamping for a simulator).
// - A cursor that names no existing application is a 400 `invalid_parameter`. A cursor is
//   positioned by its (date_created, application_id) key, so an application of another customer
//   still works as a position under a `customer_id` filter.
// - A `customer_id` that is not a UUID is a 400 `customer_invalid_uuid4`; an unknown one lists nothing.

export interface BondPageRequest {
  limit: number;
  customerId?: string;
  startingAfter?: string;
  endingBefore?: string;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; response: SimResponse };

export function parseListQuery(query: URLSearchParams): Parsed<BondPageRequest> {
  const bad = (message: string, code = 'invalid_parameter'): Parsed<BondPageRequest> => ({
    ok: false,
    response: standardErrorResponse(400, message, code),
  });
  let limit = BOND_MAX_PAGE_SIZE;
  const rawLimit = query.get('limit');
  if (rawLimit !== null) {
    limit = /^\d{1,6}$/.test(rawLimit) ? Number(rawLimit) : NaN;
    if (!(limit >= 1 && limit <= BOND_MAX_PAGE_SIZE)) {
      return bad(`Invalid value for 'limit': must be an integer between 1 and ${BOND_MAX_PAGE_SIZE}.`);
    }
  }
  const request: BondPageRequest = { limit };
  const customerId = query.get('customer_id');
  if (customerId !== null) {
    if (!isUuid(customerId)) return bad(`Invalid value for 'customer_id': '${customerId}' is not a valid UUID.`, 'customer_invalid_uuid4');
    request.customerId = customerId.toLowerCase();
  }
  const startingAfter = query.get('starting_after');
  const endingBefore = query.get('ending_before');
  if (startingAfter !== null && endingBefore !== null) {
    return bad("'starting_after' and 'ending_before' cannot be used at the same time.");
  }
  if (startingAfter !== null) request.startingAfter = startingAfter;
  if (endingBefore !== null) request.endingBefore = endingBefore;
  return { ok: true, value: request };
}

/**
 * One page of `ordered` (already in list order). `has_more` looks past the page in the paging
 * direction: after it for `starting_after` and no cursor, before it (toward the newest) for `ending_before`.
 */
export function pageApplications(
  ordered: readonly BondApplicationDto[],
  request: BondPageRequest,
  lookup: (id: string) => BondApplicationDto | undefined,
): Parsed<BondApplicationListDto> {
  const items = request.customerId
    ? ordered.filter((a) => a.applicant.customer_id === request.customerId)
    : ordered;
  const cursorId = request.startingAfter ?? request.endingBefore;
  if (cursorId === undefined) {
    return { ok: true, value: { has_more: items.length > request.limit, data: items.slice(0, request.limit) } };
  }
  const cursor = lookup(cursorId);
  if (!cursor) {
    const name = request.startingAfter !== undefined ? 'starting_after' : 'ending_before';
    return {
      ok: false,
      response: standardErrorResponse(400, `Invalid value for '${name}': no application with id '${cursorId}'.`, 'invalid_parameter'),
    };
  }
  if (request.startingAfter !== undefined) {
    const after = firstIndex(items, (a) => bondListOrder(a, cursor) > 0);
    const data = items.slice(after, after + request.limit);
    return { ok: true, value: { has_more: after + request.limit < items.length, data } };
  }
  // Everything before `before` is newer than the cursor; the page is the `limit` closest to it.
  const before = firstIndex(items, (a) => bondListOrder(a, cursor) >= 0);
  const start = Math.max(0, before - request.limit);
  return { ok: true, value: { has_more: start > 0, data: items.slice(start, before) } };
}

function firstIndex<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  const index = items.findIndex(predicate);
  return index === -1 ? items.length : index;
}
