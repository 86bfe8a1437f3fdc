import type { BondApplicantPatchDto, BondApplicationDto, BondApplicationListDto } from '../../src/upstream/bond/bond.dto.js';
import type {
  AuctionDto,
  AuctionExtendedDto,
  BidSummaryDto,
  BondoraEnvelope,
  BondoraPagedEnvelope,
  LoanPartDetailsDto,
  MyAccountBalanceDto,
  MyInvestmentItemDto,
} from '../../src/upstream/bondora/bondora.dto.js';

// The "direct client" of the latency comparison: what a frontend would do without the gateway,
// calling the simulators itself. Same HTTP stack as the gateway (global fetch, keep-alive), same
// request headers (JSON, gzip), responses parsed and projected to the fields the operation asks.
// Its user-agent tells its calls apart from the gateway's in the simulators' request logs.

export const DIRECT_USER_AGENT = 'bench-direct-client';

export interface UpstreamEndpoints {
  bondora: { url: string; token: string };
  /** Base URL including /api/v0.1. */
  bond: { url: string; identity: string; apiKey: string };
}

export class DirectClient {
  /** Upstream calls made so far. */
  calls = 0;

  constructor(private readonly upstreams: UpstreamEndpoints) {}

  auction(id: string, token?: string): Promise<AuctionExtendedDto> {
    return this.bondora<AuctionExtendedDto>(`/api/v1/auction/${encodeURIComponent(id)}`, token);
  }

  auctions(pageSize: number, pageNr: number, token?: string): Promise<AuctionDto[]> {
    return this.bondora<AuctionDto[]>(`/api/v1/auctions?PageSize=${pageSize}&PageNr=${pageNr}`, token);
  }

  bids(pageSize: number, pageNr: number, token?: string): Promise<BidSummaryDto[]> {
    return this.bondora<BidSummaryDto[]>(`/api/v1/bids?PageSize=${pageSize}&PageNr=${pageNr}`, token);
  }

  balance(token?: string): Promise<MyAccountBalanceDto> {
    return this.bondora<MyAccountBalanceDto>('/api/v1/account/balance', token);
  }

  /** The investor's active investments, one page, with the total count. */
  async investments(pageSize: number, pageNr: number, token?: string): Promise<{ items: MyInvestmentItemDto[]; totalCount: number }> {
    const path = `/api/v1/account/investments?PageSize=${pageSize}&PageNr=${pageNr}`;
    const envelope = await this.bondoraEnvelope<BondoraPagedEnvelope<MyInvestmentItemDto>>('GET', path, token);
    return { items: envelope.Payload ?? [], totalCount: envelope.TotalCount };
  }

  /** POST /api/v1/loanpart/list: at most 1000 ids, answered in their order with null where not found. */
  loanParts(ids: readonly string[], token?: string): Promise<Array<LoanPartDetailsDto | null>> {
    return this.bondora<Array<LoanPartDetailsDto | null>>('/api/v1/loanpart/list', token, { ItemIds: ids });
  }

  application(id: string): Promise<BondApplicationDto> {
    return this.bond<BondApplicationDto>('GET', `/credit/applications/${encodeURIComponent(id)}`);
  }

  applications(limit: number, startingAfter?: string): Promise<BondApplicationListDto> {
    const after = startingAfter ? `&starting_after=${encodeURIComponent(startingAfter)}` : '';
    return this.bond<BondApplicationListDto>('GET', `/credit/applications?limit=${limit}${after}`);
  }

  updateApplicant(id: string, applicant: BondApplicantPatchDto): Promise<BondApplicationDto> {
    return this.bond<BondApplicationDto>('PATCH', `/credit/applications/${encodeURIComponent(id)}`, { applicant });
  }

  /** A GET, or a POST when there is a body. */
  private async bondora<T>(path: string, token?: string, body?: unknown): Promise<T> {
    const envelope = await this.bondoraEnvelope<BondoraEnvelope<T>>(body === undefined ? 'GET' : 'POST', path, token, body);
    return envelope.Payload as T;
  }

  private async bondoraEnvelope<E extends BondoraEnvelope<unknown>>(method: 'GET' | 'POST', path: string, token = this.upstreams.bondora.token, body?: unknown): Promise<E> {
    const envelope = await this.fetchJson<E>(method, this.upstreams.bondora.url + path, { authorization: `Bearer ${token}` }, body);
    if (!envelope.Success) throw new Error(`Bondora ${path}: ${JSON.stringify(envelope.Errors)}`);
    return envelope;
  }

  private bond<T>(method: 'GET' | 'PATCH', path: string, body?: unknown): Promise<T> {
    const { url, identity, apiKey } = this.upstreams.bond;
    return this.fetchJson<T>(method, url + path, { identity, authorization: apiKey }, body);
  }

  private async fetchJson<T>(method: string, url: string, headers: Record<string, string>, body?: unknown): Promise<T> {
    this.calls += 1;
    const response = await fetch(url, {
      method,
      headers: {
        accept: 'application/json',
        'accept-encoding': 'gzip',
        'user-agent': DIRECT_USER_AGENT,
        ...headers,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${new URL(url).pathname}: HTTP ${response.status} ${text.slice(0, 200)}`);
    return JSON.parse(text) as T;
  }
}

// Projections to the fields the bench's operations select (the work a frontend would do instead).

export function auctionFields(a: AuctionDto) {
  return {
    id: a.AuctionId,
    loanNumber: a.LoanNumber,
    userName: a.UserName,
    country: a.Country,
    rating: a.Rating,
    interest: a.Interest,
    appliedAmount: a.AppliedAmount,
    remainingAmount: a.RemainingAmount,
    loanDuration: a.LoanDuration,
    plannedCloseDate: a.PlannedCloseDate,
  };
}

/** Op 7's fields of an investment and its loan part (the direct client's join of the two). */
export function portfolioInvestmentFields(i: MyInvestmentItemDto, part: LoanPartDetailsDto | null) {
  return {
    id: i.LoanPartId,
    amount: i.Amount,
    interest: i.Interest,
    loanStatus: i.LoanStatusCode,
    principalRemaining: i.PrincipalRemaining,
    loanPart: part && {
      id: part.LoanPartId,
      nextPaymentDate: part.NextPaymentDate,
      scheduledPayments: (part.ScheduledPayments ?? []).map((p) => ({ scheduledDate: p.ScheduledDate, totalAmount: p.TotalAmount })),
    },
  };
}

export function applicationFields(a: BondApplicationDto) {
  const p = a.applicant;
  return {
    id: a.application_id,
    status: a.application_status,
    createdAt: a.date_created,
    updatedAt: a.date_updated,
    applicant: {
      customerId: p.customer_id,
      firstName: p.first_name,
      lastName: p.last_name,
      employmentStatus: p.employment_status,
      totalAnnualIncome: p.total_annual_income,
      monthlyHousingPayment: p.monthly_housing_payment,
    },
  };
}
