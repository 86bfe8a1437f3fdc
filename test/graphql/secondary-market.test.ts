import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Scope } from '../../src/auth/scope.registry.js';
import { BondoraSimulator } from '../../src/simulators/bondora/bondora.simulator.js';
import { BONDORA_EVENT_TYPES } from '../../src/upstream/bondora/bondora.dto.js';
import { startHarness, type GraphQLResponse, type Harness } from '../support/gateway.harness.js';

// The secondary market over real HTTP against the Bondora simulator: browsing (paging, filters),
// items by id, loan parts batched into one loanpart/list call, and the three 202-queued writes.
// Each investor calls with a gateway token of investments:read + market:trade and their own static
// Bondora token in x-bondora-token, so the simulator acts for that investor.

let h: Harness;
const DEMO = BondoraSimulator.INVESTORS[0]!;
const SECOND = BondoraSimulator.INVESTORS[1]!;
const TRADER: Scope[] = ['investments:read', 'market:trade'];
const headers = new Map<string, Record<string, string>>();

beforeAll(async () => {
  h = await startHarness();
  for (const investor of BondoraSimulator.INVESTORS) {
    const jwt = await h.token({ sub: investor.id, scopes: TRADER });
    headers.set(investor.token, { authorization: `Bearer ${jwt}`, 'x-bondora-token': investor.token });
  }
});
afterAll(async () => h.close());
beforeEach(() => {
  h.bondora.reset();
  h.resetTraffic();
});

const as = (investor: { token: string }) => headers.get(investor.token)!;
const gql = <T = Record<string, unknown>>(investor: { token: string }, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> =>
  h.gql<T>(query, variables, as(investor));
const calls = (route?: string) => h.bondora.router.calls(route);
/** The write first, then the reads after it, which run side by side (sorted). */
const routes = () => {
  const [write, ...reads] = calls().map((c) => c.route);
  return [write, ...reads.sort()];
};
const codeOf = (res: GraphQLResponse<unknown>) => res.errors?.[0]?.extensions?.code;

interface Node {
  id: string;
  loanPartId: string;
  country: string;
  rating: string;
  price: string;
  status: string;
}
type Market = { secondaryMarket: { totalCount: number; nodes: Node[]; pageInfo: { hasNextPage: boolean; endCursor: string } } | null };

const BROWSE = `query ($first: Int, $after: String, $filter: SecondaryMarketFilter) {
  secondaryMarket(first: $first, after: $after, filter: $filter) {
    totalCount
    nodes { id loanPartId country rating price status }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** A loan part the investor holds that can go on sale (not listed, not repaid). */
function sellablePart(investor: { token: string }): string {
  const part = h.bondora.investmentsOf(investor.token).find((i) => i.ListedInSecondMarketOn === null && i.LoanStatusCode !== 4);
  if (!part) throw new Error('the seed gives the investor nothing to sell');
  return part.LoanPartId;
}

const SELL = `mutation ($input: SellLoanPartsInput!) {
  sellLoanParts(input: $input) { accepted items { id loanPartId desiredDiscountRate item { id status loanPartId desiredDiscountRate } loanPart { id } } }
}`;
type Sold = { sellLoanParts: { accepted: boolean; items: Array<{ id: string; loanPartId: string; desiredDiscountRate: number; item: { id: string; status: string } | null; loanPart: { id: string } | null }> } };

async function sellOne(investor: { token: string }, rate = -3): Promise<{ itemId: string; loanPartId: string }> {
  const loanPartId = sellablePart(investor);
  const res = await gql<Sold>(investor, SELL, { input: { items: [{ loanPartId, desiredDiscountRate: rate }] } });
  expect(res.errors).toBeUndefined();
  return { itemId: res.data!.sellLoanParts.items[0]!.id, loanPartId };
}

describe('browsing the secondary market', () => {
  it('pages forward through the open items in Bondora order, one call per page', async () => {
    const all = h.bondora.marketItems();
    const first = await gql<Market>(DEMO, BROWSE, { first: 20 });
    expect(first.errors).toBeUndefined();
    const page = first.data!.secondaryMarket!;
    expect(page.totalCount).toBe(all.length);
    expect(page.nodes.map((n) => n.id)).toEqual(all.slice(0, 20).map((i) => i.Id));
    expect(page.nodes[0]).toMatchObject({ loanPartId: all[0]!.LoanPartId, country: all[0]!.Country, price: String(all[0]!.Price), status: 'OPEN' });
    expect(page.pageInfo.hasNextPage).toBe(true);

    const second = await gql<Market>(DEMO, BROWSE, { first: 20, after: page.pageInfo.endCursor });
    expect(second.data!.secondaryMarket!.nodes.map((n) => n.id)).toEqual(all.slice(20, 40).map((i) => i.Id));
    expect(calls('secondarymarket.search')).toHaveLength(2);
    expect(calls()).toHaveLength(2);
  });

  it('sends the filter upstream and answers what Bondora matched', async () => {
    const res = await gql<Market>(DEMO, BROWSE, { first: 100, filter: { countries: ['ee'], ratings: ['A', 'AA'], priceMax: '500', loanStatuses: ['CURRENT'] } });
    expect(res.errors).toBeUndefined();
    const expected = h.bondora.marketItems().filter((i) => i.Country === 'EE' && ['A', 'AA'].includes(i.Rating) && i.Price <= 500 && i.LoanStatusCode === 2);
    expect(expected.length).toBeGreaterThan(0);
    expect(res.data!.secondaryMarket!.totalCount).toBe(expected.length);
    expect(res.data!.secondaryMarket!.nodes.map((n) => n.id)).toEqual(expected.map((i) => i.Id));
    const query = new URLSearchParams(calls('secondarymarket.search')[0]!.query);
    expect(query.getAll('Countries')).toEqual(['EE']);
    expect(query.getAll('Ratings')).toEqual(['A', 'AA']);
    expect(query.get('LoanStatusCode')).toBe('2');
    expect(query.get('PriceMax')).toBe('500');
  });

  it("showMyItems: true lists the caller's own items, for each investor their own", async () => {
    for (const investor of [DEMO, SECOND]) {
      const res = await gql<Market>(investor, BROWSE, { first: 50, filter: { showMyItems: true } });
      expect(res.errors).toBeUndefined();
      const own = h.bondora.marketItems(investor.token);
      expect(own.length).toBeGreaterThan(0);
      expect(res.data!.secondaryMarket!.nodes.map((n) => n.id).sort()).toEqual(own.map((i) => i.Id).sort());
    }
    const others = await gql<Market>(DEMO, BROWSE, { first: 100, filter: { showMyItems: false } });
    expect(others.data!.secondaryMarket!.totalCount).toBe(h.bondora.marketItems().length - h.bondora.marketItems(DEMO.token).length);
  });

  it.each([
    ['an unknown rating', { ratings: ['Z'] }],
    ['a bad country', { countries: ['Estonia'] }],
    ['priceMin above priceMax', { priceMin: '10', priceMax: '5' }],
    ['listedFrom after listedTo', { listedFrom: '2026-01-02T00:00:00Z', listedTo: '2026-01-01T00:00:00Z' }],
    ['a malformed auctionId', { auctionId: 'abc' }],
  ])('refuses %s with BAD_USER_INPUT before any call', async (_name, filter) => {
    const res = await gql<Market>(DEMO, BROWSE, { first: 10, filter });
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.data?.secondaryMarket ?? null).toBeNull();
    expect(calls()).toHaveLength(0);
  });

  it('a malformed cursor or page size is BAD_USER_INPUT before any call', async () => {
    for (const variables of [{ first: 0 }, { first: 101 }, { first: 5, after: 'bm90LWEtY3Vyc29y' }]) {
      expect(codeOf(await gql(DEMO, BROWSE, variables))).toBe('BAD_USER_INPUT');
    }
    expect(calls()).toHaveLength(0);
  });

  it('secondaryMarket(first: 100) with each loan part: one market call and one loanpart/list call', async () => {
    const res = await gql<{ secondaryMarket: { nodes: Array<{ id: string; loanPartId: string; loanPart: { id: string; amount: string; scheduledPayments: unknown[] } | null }> } }>(
      DEMO,
      '{ secondaryMarket(first: 100) { nodes { id loanPartId loanPart { id amount loanStatus scheduledPayments { scheduledDate totalAmount } } } } }',
    );
    expect(res.errors).toBeUndefined();
    const nodes = res.data!.secondaryMarket.nodes;
    expect(nodes).toHaveLength(100);
    for (const node of nodes) expect(node.loanPart?.id).toBe(node.loanPartId);
    expect(nodes.every((n) => n.loanPart!.scheduledPayments.length > 0)).toBe(true);
    expect(calls('secondarymarket.search')).toHaveLength(1);
    expect(calls('loanpart.list')).toHaveLength(1);
    expect(calls()).toHaveLength(2);
    expect((JSON.parse(calls('loanpart.list')[0]!.body) as { ItemIds: string[] }).ItemIds).toHaveLength(100);
  });

  it("the item summary's fields of listed items come in one secondarymarket/list call for the page", async () => {
    const res = await gql<{ secondaryMarket: { nodes: Array<{ id: string; number: number; plannedCloseDate: string; listedAt: string }> } }>(
      DEMO,
      '{ secondaryMarket(first: 30) { nodes { id number plannedCloseDate listedAt } } }',
    );
    expect(res.errors).toBeUndefined();
    const nodes = res.data!.secondaryMarket.nodes;
    expect(nodes.every((n) => Number.isInteger(n.number) && Date.parse(n.plannedCloseDate) > Date.parse(n.listedAt))).toBe(true);
    expect(calls('secondarymarket.search')).toHaveLength(1);
    expect(calls('secondarymarket.list')).toHaveLength(1);
  });

  it('needs investments:read: without it the field is null with FORBIDDEN and nothing is called', async () => {
    const jwt = await h.token({ sub: 'auctions-only', scopes: ['auctions:read'] });
    const res = await h.gql<Market>(BROWSE, { first: 5 }, { authorization: `Bearer ${jwt}`, 'x-bondora-token': DEMO.token });
    expect(res.data?.secondaryMarket).toBeNull();
    expect(res.errors?.[0]).toMatchObject({ path: ['secondaryMarket'], extensions: { code: 'FORBIDDEN' } });
    expect(calls()).toHaveLength(0);
  });
});

describe('secondaryMarketItem', () => {
  const ONE = `query ($id: ID!) {
    secondaryMarketItem(id: $id) { id loanPartId status statusCode desiredDiscountRate listedAt closedAt number plannedCloseDate price }
  }`;

  it("answers Bondora's item summary, with the market list's figures null", async () => {
    const item = h.bondora.marketItems()[3]!;
    const res = await gql<{ secondaryMarketItem: Record<string, unknown> }>(DEMO, ONE, { id: item.Id });
    expect(res.errors).toBeUndefined();
    expect(res.data!.secondaryMarketItem).toMatchObject({
      id: item.Id,
      loanPartId: item.LoanPartId,
      status: 'OPEN',
      statusCode: 1,
      desiredDiscountRate: String(item.DesiredDiscountRate),
      closedAt: null,
      price: null,
    });
    expect(res.data!.secondaryMarketItem.number).toEqual(expect.any(Number));
    expect(calls('secondarymarket.list')).toHaveLength(1);
    expect(calls()).toHaveLength(1);
  });

  it('aliases share one secondarymarket/list call; an unknown id is null without an error', async () => {
    const [a, b] = h.bondora.marketItems();
    const res = await gql<Record<string, { id: string } | null>>(
      DEMO,
      `{ a: secondaryMarketItem(id: "${a!.Id}") { id } b: secondaryMarketItem(id: "${b!.Id}") { id loanPart { id } }
         c: secondaryMarketItem(id: "00000000-0000-4000-8000-00000000abcd") { id } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ a: { id: a!.Id }, b: { id: b!.Id, loanPart: { id: b!.LoanPartId } }, c: null });
    expect(calls('secondarymarket.list')).toHaveLength(1);
    // One loan part alone goes to GET loanpart/{id} (1 per second) rather than the list (12 per hour).
    expect(calls('loanpart.get')).toHaveLength(1);
    expect(calls()).toHaveLength(2);
  });

  it('a malformed id is BAD_USER_INPUT before any call', async () => {
    expect(codeOf(await gql(DEMO, ONE, { id: 'abc' }))).toBe('BAD_USER_INPUT');
    expect(calls()).toHaveLength(0);
  });
});

describe('writes: at most 100 items, refused before any call', () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);

  it.each([
    ['buy 101', 'mutation ($ids: [ID!]!) { buySecondaryMarketItems(input: { itemIds: $ids }) { accepted } }', { ids: ids(101) }],
    ['cancel 101', 'mutation ($ids: [ID!]!) { cancelSecondaryMarketItems(input: { itemIds: $ids }) { accepted } }', { ids: ids(101) }],
    [
      'sell 101',
      'mutation ($input: SellLoanPartsInput!) { sellLoanParts(input: $input) { accepted } }',
      { input: { items: ids(101).map((loanPartId) => ({ loanPartId, desiredDiscountRate: -1 })) } },
    ],
    ['buy none', 'mutation { buySecondaryMarketItems(input: { itemIds: [] }) { accepted } }', {}],
    ['cancel a malformed id', 'mutation { cancelSecondaryMarketItems(input: { itemIds: ["nope"] }) { accepted } }', {}],
    [
      'sell one part twice',
      'mutation ($input: SellLoanPartsInput!) { sellLoanParts(input: $input) { accepted } }',
      { input: { items: [{ loanPartId: ids(1)[0], desiredDiscountRate: -1 }, { loanPartId: ids(1)[0]!.toUpperCase(), desiredDiscountRate: 2 }] } },
    ],
    [
      'sell at -100 %',
      'mutation ($input: SellLoanPartsInput!) { sellLoanParts(input: $input) { accepted } }',
      { input: { items: [{ loanPartId: ids(1)[0], desiredDiscountRate: -100 }] } },
    ],
    [
      'sell at a fractional rate',
      'mutation ($input: SellLoanPartsInput!) { sellLoanParts(input: $input) { accepted } }',
      { input: { items: [{ loanPartId: ids(1)[0], desiredDiscountRate: 2.5 }] } },
    ],
  ])('%s: BAD_USER_INPUT with zero upstream calls', async (_name, query, variables) => {
    const res = await gql(DEMO, query, variables);
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.data ?? null).toBeNull();
    expect(calls()).toHaveLength(0);
  });

  it('the 101-item refusal says the limit and how to get under it', async () => {
    const res = await gql(DEMO, 'mutation ($ids: [ID!]!) { buySecondaryMarketItems(input: { itemIds: $ids }) { accepted } }', { ids: ids(101) });
    expect(res.errors?.[0]?.message).toBe('input.itemIds holds at most 100 items per request (Bondora\'s limit), got 101; split it into several requests');
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.itemIds' });
  });

  it('needs market:trade: FORBIDDEN before any call', async () => {
    const jwt = await h.token({ sub: 'reader', scopes: ['investments:read'] });
    const res = await h.gql(
      `mutation { buySecondaryMarketItems(input: { itemIds: ["${h.bondora.marketItems()[0]!.Id}"] }) { accepted } }`,
      undefined,
      { authorization: `Bearer ${jwt}`, 'x-bondora-token': DEMO.token },
    );
    expect(codeOf(res)).toBe('FORBIDDEN');
    expect(calls()).toHaveLength(0);
  });
});

describe('selling, cancelling and buying', () => {
  it('a sale is queued (202), shows as one of the seller\'s items and in their event log', async () => {
    const loanPartId = sellablePart(DEMO);
    const res = await gql<Sold>(DEMO, SELL, { input: { items: [{ loanPartId, desiredDiscountRate: -3 }], cancelItemOnReschedule: true } });
    expect(res.errors).toBeUndefined();
    const sold = res.data!.sellLoanParts;
    expect(sold.accepted).toBe(true);
    expect(sold.items).toHaveLength(1);
    const listed = sold.items[0]!;
    expect(listed).toMatchObject({ loanPartId, desiredDiscountRate: -3, item: { id: listed.id, status: 'OPEN' }, loanPart: { id: loanPartId } });
    // The write, then the new item (one list call) and its loan part (alone, so GET loanpart/{id}).
    expect(routes()).toEqual(['secondarymarket.sell', 'loanpart.get', 'secondarymarket.list']);
    expect(JSON.parse(calls('secondarymarket.sell')[0]!.body)).toEqual({ Items: [{ LoanPartId: loanPartId, DesiredDiscountRate: -3 }], CancelItemOnReschedule: true });

    type After = {
      secondaryMarket: { nodes: Array<{ id: string; loanPartId: string; desiredDiscountRate: string }> };
      account: { events: { nodes: Array<{ eventType: string; data: { Items: Array<{ LoanPartId: string; DesiredDiscountRate: number }> } }> } };
    };
    const after = `{
      secondaryMarket(first: 50, filter: { showMyItems: true }) { nodes { id loanPartId desiredDiscountRate } }
      account { events(first: 10) { nodes { eventType data } } }
    }`;
    const mine = await gql<After>(DEMO, after);
    expect(mine.errors).toBeUndefined();
    expect(mine.data!.secondaryMarket.nodes).toContainEqual({ id: listed.id, loanPartId, desiredDiscountRate: '-3' });
    expect(mine.data!.account.events.nodes).toHaveLength(1);
    expect(mine.data!.account.events.nodes[0]).toMatchObject({ eventType: 'SM_SELL', data: { Items: [{ LoanPartId: loanPartId, DesiredDiscountRate: -3 }] } });
    expect(h.bondora.eventsOf(DEMO.token).map((e) => e.EventType)).toEqual([BONDORA_EVENT_TYPES.SmSell]);

    // Not another investor's item, nor in their event log.
    const theirs = await gql<After>(SECOND, after);
    expect(theirs.errors).toBeUndefined();
    expect(theirs.data!.secondaryMarket.nodes.map((n) => n.id)).not.toContain(listed.id);
    expect(theirs.data!.account.events.nodes).toEqual([]);
  });

  it('another investor cannot cancel it: FORBIDDEN from Bondora\'s 403, and nothing changes', async () => {
    const { itemId } = await sellOne(DEMO);
    h.resetTraffic();
    const res = await gql<{ cancelSecondaryMarketItems: unknown }>(SECOND, `mutation { cancelSecondaryMarketItems(input: { itemIds: ["${itemId}"] }) { accepted } }`);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', upstream: 'bondora' });
    expect(res.errors?.[0]?.message).toBe('Bondora refused the cancellation (HTTP 403): an item is not yours, or your Bondora authorization does not allow trading');
    expect(res.text).not.toContain('User has no rights');
    expect(res.data).toBeNull();
    expect(calls('secondarymarket.cancel')).toHaveLength(1);
    expect(h.bondora.marketItems(DEMO.token).map((i) => i.Id)).toContain(itemId);
    expect(h.bondora.eventsOf(SECOND.token)).toHaveLength(0);
  });

  it('the seller cancels it: queued, the item reads FAILED and leaves the market', async () => {
    const { itemId } = await sellOne(DEMO);
    h.resetTraffic();
    const res = await gql<{ cancelSecondaryMarketItems: { accepted: boolean; itemIds: string[]; items: Array<{ id: string; status: string; cancelledAt: string } | null> } }>(
      DEMO,
      `mutation { cancelSecondaryMarketItems(input: { itemIds: ["${itemId}", "${itemId.toUpperCase()}"] }) { accepted itemIds items { id status cancelledAt } } }`,
    );
    expect(res.errors).toBeUndefined();
    const payload = res.data!.cancelSecondaryMarketItems;
    expect(payload).toMatchObject({ accepted: true, itemIds: [itemId] });
    expect(payload.items).toEqual([{ id: itemId, status: 'FAILED', cancelledAt: expect.any(String) }]);
    expect(h.bondora.marketItems(DEMO.token).map((i) => i.Id)).not.toContain(itemId);
    expect(h.bondora.eventsOf(DEMO.token).map((e) => e.EventType)).toEqual([BONDORA_EVENT_TYPES.SmCancel, BONDORA_EVENT_TYPES.SmSell]);
  });

  it("a buy of one's own item is BAD_USER_INPUT from Bondora's 409, and nothing changes", async () => {
    const { itemId } = await sellOne(DEMO);
    const balance = h.bondora.balanceOf(DEMO.token);
    h.resetTraffic();
    const res = await gql(DEMO, `mutation { buySecondaryMarketItems(input: { itemIds: ["${itemId}"] }) { accepted } }`);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', upstream: 'bondora' });
    expect(res.errors?.[0]?.message).toMatch(/^Bondora refused the purchase \(HTTP 409\): an item is your own/);
    expect(calls('secondarymarket.buy')).toHaveLength(1);
    expect(calls()).toHaveLength(1);
    expect(h.bondora.balanceOf(DEMO.token)).toEqual(balance);
    expect(h.bondora.marketItems(DEMO.token).map((i) => i.Id)).toContain(itemId);
  });

  it("another investor buys it: queued, and the item is sold to them in the seller's and buyer's views", async () => {
    const { itemId, loanPartId } = await sellOne(DEMO, -10);
    h.resetTraffic();
    const res = await gql<{ buySecondaryMarketItems: { accepted: boolean; itemIds: string[]; items: Array<{ id: string; status: string; loanPart: { id: string } | null } | null> } }>(
      SECOND,
      `mutation { buySecondaryMarketItems(input: { itemIds: ["${itemId}"] }) { accepted itemIds items { id status loanPart { id } } } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.buySecondaryMarketItems).toEqual({ accepted: true, itemIds: [itemId], items: [{ id: itemId, status: 'SUCCESSFUL', loanPart: { id: loanPartId } }] });
    expect(routes()).toEqual(['secondarymarket.buy', 'loanpart.get', 'secondarymarket.list']);
    expect(h.bondora.investmentsOf(SECOND.token).map((i) => i.LoanPartId)).toContain(loanPartId);
    expect(h.bondora.eventsOf(SECOND.token).map((e) => e.EventType)).toEqual([BONDORA_EVENT_TYPES.SmBuy]);
    // The seller still sees the closed item by id; a third investor does not.
    const seller = await gql<{ secondaryMarketItem: { status: string } | null }>(DEMO, `{ secondaryMarketItem(id: "${itemId}") { status } }`);
    expect(seller.data!.secondaryMarketItem).toEqual({ status: 'SUCCESSFUL' });
    const third = BondoraSimulator.INVESTORS[2]!;
    const stranger = await gql<{ secondaryMarketItem: unknown }>(third, `{ secondaryMarketItem(id: "${itemId}") { status } }`);
    expect(stranger.errors).toBeUndefined();
    expect(stranger.data!.secondaryMarketItem).toBeNull();
  });

  it('a read before a write in the same operation does not leak into the payload: the write clears the loaders', async () => {
    const { itemId } = await sellOne(DEMO);
    h.resetTraffic();
    const res = await gql<{ before: { items: Array<{ status: string }> }; cancel: { items: Array<{ status: string }> } }>(
      DEMO,
      `mutation {
        before: buySecondaryMarketItems(input: { itemIds: ["${h.bondora.marketItems().find((i) => !h.bondora.marketItems(DEMO.token).some((m) => m.Id === i.Id))!.Id}"] }) { items { status } }
        cancel: cancelSecondaryMarketItems(input: { itemIds: ["${itemId}"] }) { items { status } }
      }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.before.items[0]!.status).toBe('SUCCESSFUL');
    expect(res.data!.cancel.items).toEqual([{ status: 'FAILED' }]);
    expect(calls('secondarymarket.list')).toHaveLength(2);
  });
});
