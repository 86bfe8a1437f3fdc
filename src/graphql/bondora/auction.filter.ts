import type { AuctionDto, AuctionRequestDto } from '../../upstream/bondora/bondora.dto.js';

/**
 * Bondora's AuctionRequest filter applied to one auction, for auctions that arrive by webhook
 * rather than from GET /auctions (which applies it upstream). Same fields, same bounds (inclusive).
 */
export function auctionMatches(auction: AuctionDto, request: AuctionRequestDto): boolean {
  const within = (value: number, min?: number, max?: number) => (min === undefined || value >= min) && (max === undefined || value <= max);
  const listed = auction.ListedOnUTC ? Date.parse(auction.ListedOnUTC) : undefined;
  return (
    (!request.Countries?.length || request.Countries.includes(auction.Country?.toUpperCase())) &&
    (!request.Ratings?.length || request.Ratings.includes(auction.Rating?.toUpperCase())) &&
    (!request.Terms?.length || request.Terms.includes(auction.LoanDuration)) &&
    within(auction.AppliedAmount, request.SumMin, request.SumMax) &&
    within(auction.Interest, request.InterestMin, request.InterestMax) &&
    within(auction.Age, request.AgeMin, request.AgeMax) &&
    (request.ListedOnUTCFrom === undefined || (listed !== undefined && listed >= Date.parse(request.ListedOnUTCFrom))) &&
    (request.ListedOnUTCTo === undefined || (listed !== undefined && listed <= Date.parse(request.ListedOnUTCTo)))
  );
}
