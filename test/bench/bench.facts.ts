import type { DirectClient } from './direct.client.js';
import type { BenchFacts } from './bench.operations.js';
import { postGraphQL } from './gateway.client.js';

// What the operations need to know about the upstream data, read before measuring: straight from
// the simulators' APIs (as any client could), plus the gateway's opaque cursors for op 4's windows.

const UPDATABLE = ['created', 'resubmit_required', 'kyc_started'];
/** Investments on op 7's page: the investor must hold at least this many for the page to be full. */
export const PORTFOLIO_PAGE = 100;

export async function gatherFacts(direct: DirectClient, graphqlEndpoint: string, investorTokens: string[], portfolioToken: string): Promise<BenchFacts> {
  const [active, bids, investments] = await Promise.all([
    direct.auctions(20_000, 1),
    direct.bids(50, 1, investorTokens[0]),
    direct.investments(PORTFOLIO_PAGE, 1, portfolioToken),
  ]);
  if (investments.items.length < PORTFOLIO_PAGE) {
    throw new Error(`op 7 needs an investor with ${PORTFOLIO_PAGE} active investments; the bench's has ${investments.totalCount}`);
  }

  const applications: Array<{ id: string; status: string }> = [];
  for (let after: string | undefined, page = 0; page < 100; page++) {
    const list = await direct.applications(50, after);
    applications.push(...list.data.map((a) => ({ id: a.application_id, status: a.application_status })));
    if (!list.has_more || list.data.length === 0) break;
    after = list.data[list.data.length - 1]!.application_id;
  }
  const updatable = UPDATABLE.map((status) => applications.find((a) => a.status === status)).find(Boolean);
  if (!updatable) throw new Error('the Bond simulator has no application in a status that allows PATCH');

  // Every full window of 50: the first page, then the pages after each of the next items.
  const { data } = await postGraphQL(graphqlEndpoint, '{ creditApplications(first: 100) { edges { cursor node { id } } } }');
  const edges = (data.creditApplications as { edges: Array<{ cursor: string; node: { id: string } }> }).edges;
  const fullWindows = edges.slice(0, Math.max(0, applications.length - 50)).map((e) => ({ cursor: e.cursor, afterId: e.node.id }));

  return {
    activeAuctionIds: active.map((a) => a.AuctionId),
    bidAuctionIds: bids.map((b) => b.AuctionId),
    applicationIds: applications.map((a) => a.id),
    applicationWindows: [{ cursor: null, afterId: undefined }, ...fullWindows],
    updatableApplicationId: updatable.id,
    investorTokens,
    portfolio: { token: portfolioToken, loanPartIds: investments.items.map((i) => i.LoanPartId), totalInvestments: investments.totalCount },
  };
}
