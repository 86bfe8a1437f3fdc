// The operations GraphiQL opens with, one tab each, so a first visit can run something against
// both upstreams without reading the schema first. test/server/graphiql.test.ts runs them all.

export interface GraphiqlTab {
  query: string;
  /** JSON with comments, as GraphiQL's variables editor accepts it. */
  variables?: string;
  /** JSON with comments, as GraphiQL's headers editor accepts it. */
  headers?: string;
}

/** Headers editor content: a commented example, so nothing is sent until the user uncomments it. */
export const GRAPHIQL_DEFAULT_HEADERS = `{
  // Your own Bondora token, this tab only
  // (default: the gateway's own token).
  // To send it, delete the // below:
  // "x-bondora-token": "your-token"
}`;

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

export const GRAPHIQL_TABS: readonly GraphiqlTab[] = [
  { query: AUCTIONS_EXAMPLE, headers: GRAPHIQL_DEFAULT_HEADERS },
  { query: CREDIT_APPLICATIONS_EXAMPLE, headers: GRAPHIQL_DEFAULT_HEADERS },
  { query: UPDATE_CREDIT_APPLICANT_EXAMPLE, variables: UPDATE_CREDIT_APPLICANT_VARIABLES, headers: GRAPHIQL_DEFAULT_HEADERS },
];
