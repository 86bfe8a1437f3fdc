import type { EventLogItemDto, MyAccountBalanceDto, MyInvestmentItemDto } from '../../upstream/bondora/bondora.dto.js';
import type { Fetched } from '../../upstream/bondora/bondora.client.js';
import { toDateTime, toEnum, toInteger, toNumber, toText } from '../value.mapper.js';
import { AccountEventType, AuctionBidType, InvestmentSalesStatus, type AccountBalance, type AccountEvent, type Investment } from './account.type.js';
import { mapList, toLoanFigures } from './loan-part.mapper.js';

const AUCTION_BID_TYPE: Readonly<Record<string, AuctionBidType>> = {
  0: AuctionBidType.MANUAL,
  1: AuctionBidType.PORTFOLIO_MANAGER,
  2: AuctionBidType.API,
};
export const AUCTION_BID_TYPE_CODE = invert(AUCTION_BID_TYPE);

const EVENT_TYPE: Readonly<Record<string, AccountEventType>> = {
  1: AccountEventType.MAKE_BID,
  2: AccountEventType.CANCEL_BID,
  3: AccountEventType.SM_SELL,
  4: AccountEventType.SM_BUY,
  5: AccountEventType.SM_CANCEL,
};
export const EVENT_TYPE_CODE = invert(EVENT_TYPE);

export const SALES_STATUS_CODE: Readonly<Record<InvestmentSalesStatus, number>> = {
  [InvestmentSalesStatus.BOUGHT]: 0,
  [InvestmentSalesStatus.SOLD]: 1,
  [InvestmentSalesStatus.ON_SALE]: 2,
  [InvestmentSalesStatus.NOT_ON_SALE]: 3,
};

function invert<E extends string>(codes: Readonly<Record<string, E>>): Readonly<Record<E, number>> {
  return Object.fromEntries(Object.entries(codes).map(([code, value]) => [value, Number(code)])) as Record<E, number>;
}

export function toAccountBalance({ value: dto, fetchedAt }: Fetched<MyAccountBalanceDto>): AccountBalance {
  return {
    balance: toNumber(dto.Balance),
    reserved: toNumber(dto.Reserved),
    bidRequestAmount: toNumber(dto.BidRequestAmount),
    totalAvailable: toNumber(dto.TotalAvailable),
    goGrowAccounts: mapList(dto.GoGrowAccounts, (g) => ({
      name: toText(g.Name),
      netDeposits: toNumber(g.NetDeposits),
      netProfit: toNumber(g.NetProfit),
      totalSaved: toNumber(g.TotalSaved),
    })),
    fetchedAt,
  };
}

export function toInvestment(dto: MyInvestmentItemDto): Investment {
  return {
    ...toLoanFigures(dto),
    id: dto.LoanPartId,
    loanPartId: dto.LoanPartId,
    auctionBidType: toEnum(AUCTION_BID_TYPE, dto.AuctionBidType),
    auctionBidTypeCode: toInteger(dto.AuctionBidType),
    interest: toNumber(dto.Interest),
    loanStatusActiveFrom: toDateTime(dto.LoanStatusActiveFrom),
    purchaseDate: toDateTime(dto.PurchaseDate),
    soldDate: toDateTime(dto.SoldDate),
    purchasePrice: toNumber(dto.PurchasePrice),
    salePrice: toNumber(dto.SalePrice),
    listedInSecondMarketOn: toDateTime(dto.ListedInSecondMarketOn),
    latestDebtManagementStage: toInteger(dto.LatestDebtManagementStage),
    latestDebtManagementSubStage: toInteger(dto.LatestDebtManagementSubStage),
    latestDebtManagementStageType: toInteger(dto.LatestDebtManagementStageType),
    latestDebtManagementDate: toDateTime(dto.LatestDebtManagementDate),
    noteLoanTransfersMainAmount: toNumber(dto.NoteLoanTransfersMainAmount),
    noteLoanTransfersInterestAmount: toNumber(dto.NoteLoanTransfersInterestAmount),
    noteLoanLateChargesPaid: toNumber(dto.NoteLoanLateChargesPaid),
    noteLoanTransfersEarningsAmount: toNumber(dto.NoteLoanTransfersEarningsAmount),
    noteLoanTransfersTotalRepaymentsAmount: toNumber(dto.NoteLoanTransfersTotalRepaimentsAmount),
    boughtFromId: toText(dto.BoughtFromId),
  };
}

export function toAccountEvent(dto: EventLogItemDto): AccountEvent {
  return {
    eventDate: toDateTime(dto.EventDate),
    eventType: toEnum(EVENT_TYPE, dto.EventType),
    eventTypeCode: toInteger(dto.EventType),
    ipAddress: toText(dto.IpAddress),
    data: parseData(dto.Data),
  };
}

/** Bondora sends the logged request as a JSON string; one that does not parse stays that string. */
function parseData(data: string | null | undefined): unknown {
  if (typeof data !== 'string') return null;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return data;
  }
}
