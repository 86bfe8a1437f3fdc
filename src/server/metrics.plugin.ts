import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import type { GatewayMetrics } from './metrics.registry.js';

// Counts GraphQL operations over HTTP by name, type and outcome, from the response as the client
// gets it: `code` is OK or the first error's extensions.code after the error mapper has run.

export function metricsPlugin(metrics: GatewayMetrics): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse(ctx) {
          metrics.graphqlOperation(ctx.operationName ?? ctx.request.operationName, ctx.operation?.operation ?? 'unknown', firstErrorCode(ctx));
        },
      };
    },
  };
}

function firstErrorCode(ctx: GraphQLRequestContextWillSendResponse<object>): string {
  const body = ctx.response.body;
  const errors = body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors;
  if (!errors?.length) return 'OK';
  const code = errors[0]!.extensions?.code;
  return typeof code === 'string' && /^[A-Z_]{1,64}$/.test(code) ? code : 'INTERNAL_SERVER_ERROR';
}
