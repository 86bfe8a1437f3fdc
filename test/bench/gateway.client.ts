// POSTs one GraphQL operation and checks the answer: HTTP 200 and no `errors`.

export interface GraphQLAnswer {
  data: Record<string, unknown>;
  text: string;
}

export async function postGraphQL(
  endpoint: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLAnswer> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  const body = JSON.parse(text) as { data?: Record<string, unknown> | null; errors?: Array<{ message: string }> };
  if (response.status !== 200 || body.errors?.length || !body.data) {
    throw new Error(`GraphQL HTTP ${response.status}: ${body.errors?.map((e) => e.message).join('; ') ?? text.slice(0, 200)}`);
  }
  return { data: body.data, text };
}
