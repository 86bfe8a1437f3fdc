/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** Filters of the active-auctions list; all optional, combined with AND. */
export type AuctionFilter = {
  ageMax?: number | null | undefined;
  ageMin?: number | null | undefined;
  appliedAmountMax?: number | null | undefined;
  appliedAmountMin?: number | null | undefined;
  /** ISO-3166 alpha-2 codes, e.g. ["EE", "FI"]. */
  countries?: Array<string> | null | undefined;
  interestMax?: string | null | undefined;
  interestMin?: string | null | undefined;
  listedOnFrom?: string | null | undefined;
  listedOnTo?: string | null | undefined;
  /** Loan durations in months (Bondora Terms), e.g. [12, 24]. */
  loanDurations?: Array<number> | null | undefined;
  /** Any of AA, A, B, C, D, E, F, HR. */
  ratings?: Array<string> | null | undefined;
};

export type BidInput = {
  /** Amount in EUR, e.g. "25" or "12.50". */
  amount: string;
  auctionId: string | number;
  /** Smallest acceptable amount if the auction cannot take all of it. */
  minAmount?: string | null | undefined;
};

export type PlaceBidsInput = {
  bids: Array<BidInput>;
};

export type OpenAuctionsQueryVariables = Exact<{
  first: number;
  filter?: AuctionFilter | null | undefined;
}>;


export type OpenAuctionsQuery = { auctions: { totalCount: number, edges: Array<{ cursor: string, node: { id: string, rating: string | null, interest: string | null, appliedAmount: string | null, remainingAmount: string | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } | null };

export type AuctionPublishedSubscriptionVariables = Exact<{
  after?: string | null | undefined;
}>;


export type AuctionPublishedSubscription = { auctionPublished: { cursor: string, auction: { id: string, rating: string | null, interest: string | null } } };

export type PlaceBidsMutationVariables = Exact<{
  input: PlaceBidsInput;
}>;


export type PlaceBidsMutation = { placeBids: { bids: Array<{ id: string, auctionId: string, amount: string | null }> } };


export const OpenAuctionsDocument = {"__meta__":{"hash":"sha256:427ea49a698f5548aadf872b17ea1f1ae3240110ffe62ffe53c805039b88f4fb"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"OpenAuctions"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"AuctionFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"auctions"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"rating"}},{"kind":"Field","name":{"kind":"Name","value":"interest"}},{"kind":"Field","name":{"kind":"Name","value":"appliedAmount"}},{"kind":"Field","name":{"kind":"Name","value":"remainingAmount"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<OpenAuctionsQuery, OpenAuctionsQueryVariables>;
export const AuctionPublishedDocument = {"__meta__":{"hash":"sha256:929afe7e4707ac046761020bdf6ae5b652612e75b46dda8a3ce3a0d2d5035417"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"AuctionPublished"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"auctionPublished"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"auction"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"rating"}},{"kind":"Field","name":{"kind":"Name","value":"interest"}}]}}]}}]}}]} as unknown as DocumentNode<AuctionPublishedSubscription, AuctionPublishedSubscriptionVariables>;
export const PlaceBidsDocument = {"__meta__":{"hash":"sha256:c171699aec7adf19007b5905b673a12a29b01c9948e07c5374d49278c68a1dae"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PlaceBids"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PlaceBidsInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"placeBids"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"bids"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"auctionId"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}}]}}]}}]}}]} as unknown as DocumentNode<PlaceBidsMutation, PlaceBidsMutationVariables>;