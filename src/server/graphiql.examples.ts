// The operations GraphiQL opens with, one tab each, so a first visit can run something against
// both upstreams without reading the schema first. test/server/graphiql.test.ts runs them all.

export interface GraphiqlTab {
  query: string;
  /** JSON with comments, as GraphiQL's variables editor accepts it. */
  variables?: string;
  /** JSON with comments, as GraphiQL's headers editor accepts it. */
  headers?: string;
}

/** Headers editor content without a token: commented examples, so nothing is sent until the user uncomments them. */
export const GRAPHIQL_DEFAULT_HEADERS = `{
  // Your token from your identity provider:
  // "Authorization": "Bearer your-jwt",
  // Your own Bondora token, this tab only
  // (default: your Bondora connection, or the
  // gateway's token with bondora:shared).
  // To send it, delete the // below:
  // "x-bondora-token": "your-token"
}`;

/** Headers editor content that sends a ready bearer token (the dev issuer's operator on the embedded simulators). */
export function graphiqlHeaders(bearerToken: string | undefined): string {
  if (!bearerToken) return GRAPHIQL_DEFAULT_HEADERS;
  return `{
  // The development issuer's operator token
  // (npm start on the embedded simulators).
  "Authorization": "Bearer ${bearerToken}"
  // Your own Bondora token, this tab only:
  // add a comma above and delete the // below.
  // "x-bondora-token": "your-token"
}`;
}

export const AUCTIONS_EXAMPLE = `# Bondora: active auctions, newest first,
# with the investor's own bids on each.
# Run: Ctrl-Enter (Cmd-Enter on a Mac).
# Schema: the Docs panel on the left.
query Auctions($first: Int = 5, $after: String) {
  auctions(first: $first, after: $after, filter: { ratings: ["AA", "A", "B", "C"] }) {
    totalCount
    nodes {
      id
      rating
      interest
      country
      appliedAmount
      remainingAmount
      loanDuration
      plannedCloseDate
      myBids {
        id
        status
        requestedAmount
        actualAmount
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
`;

export const CREDIT_APPLICATIONS_EXAMPLE = `# Bond: a page of credit applications, newest
# first. For the next page pass endCursor as
# $after (backward: last + before).
query CreditApplications($first: Int = 10, $after: String) {
  creditApplications(first: $first, after: $after) {
    nodes {
      id
      status
      createdAt
      applicant {
        customerId
        firstName
        lastName
        employmentStatus
        totalAnnualIncome
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
`;

export const UPDATE_CREDIT_APPLICANT_EXAMPLE = `# Bond: change an applicant while the
# application is CREATED. Money is in cents.
# Put an application id from the
# CreditApplications tab into the variables.
mutation UpdateCreditApplicant($input: UpdateCreditApplicantInput!) {
  updateCreditApplicant(input: $input) {
    id
    status
    updatedAt
    applicant {
      employmentStatus
      totalAnnualIncome
      monthlyHousingPayment
    }
  }
}
`;

export const UPDATE_CREDIT_APPLICANT_VARIABLES = `{
  "input": {
    // An id with status CREATED, from the
    // CreditApplications tab.
    "applicationId": "paste-an-application-id",
    "employmentStatus": "SELF_EMPLOYED",
    "totalAnnualIncome": 3000000000,
    "monthlyHousingPayment": 136000
  }
}`;

export const LIVE_AUCTIONS_EXAMPLE = `# Bondora: new auctions as Bondora publishes them,
# live over a WebSocket (graphql-ws). On the embedded
# simulator one is published every 20 s.
# Resume after a disconnect: pass the last cursor as "after".
subscription LiveAuctions {
  auctionPublished {
    cursor
    occurredAt
    auction {
      id
      country
      rating
      interest
      appliedAmount
      loanDuration
    }
  }
}
`;

export function graphiqlTabs(headers: string = GRAPHIQL_DEFAULT_HEADERS): readonly GraphiqlTab[] {
  return [
    { query: AUCTIONS_EXAMPLE, headers },
    { query: CREDIT_APPLICATIONS_EXAMPLE, headers },
    { query: UPDATE_CREDIT_APPLICANT_EXAMPLE, variables: UPDATE_CREDIT_APPLICANT_VARIABLES, headers },
    { query: LIVE_AUCTIONS_EXAMPLE, headers },
  ];
}

export const GRAPHIQL_TABS: readonly GraphiqlTab[] = graphiqlTabs();
