import type { ApolloServerPlugin } from '@apollo/server';
import { getNullableType, isListType } from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import { DEFAULT_PAGE_ITEMS } from '../pagination/connection.args.js';
import { limitExceeded } from './limit.error.js';

/** Items assumed in a plain list field (myBids, liabilities, ...), whose length the query cannot bound. */
export const ASSUMED_LIST_ITEMS = 10;

/**
 * A connection's selection is paid once per item it may return, so `first: 100` over a large
 * selection costs a hundredfold; a plain list's selection is paid ASSUMED_LIST_ITEMS times; every
 * other field costs 1 plus its selection. `edges`/`nodes` are already paid by their connection.
 */
const connectionEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  const paged = field.args.some((a) => a.name === 'first' || a.name === 'last');
  if (paged) {
    const items = Number(args.first ?? args.last ?? DEFAULT_PAGE_ITEMS);
    return 1 + childComplexity * (Number.isFinite(items) && items > 0 ? items : DEFAULT_PAGE_ITEMS);
  }
  const inConnection = type.name.endsWith('Connection') && (field.name === 'edges' || field.name === 'nodes');
  if (!inConnection && isListType(getNullableType(field.type))) return 1 + childComplexity * ASSUMED_LIST_ITEMS;
  return undefined;
};

/** Checks the estimated cost once variables are known, before anything executes. */
export function costLimitPlugin(maxCost: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema, operation }) {
          if (!operation || operation.selectionSet.selections.every((s) => s.kind === 'Field' && s.name.value.startsWith('__'))) return;
          let cost: number;
          try {
            cost = getComplexity({
              schema,
              query: document,
              variables: request.variables,
              operationName: request.operationName,
              estimators: [connectionEstimator, simpleEstimator({ defaultComplexity: 1 })],
            });
          } catch {
            // Variables that do not coerce: execution reports them as BAD_USER_INPUT, before any resolver.
            return;
          }
          if (cost > maxCost) {
            throw limitExceeded(
              'cost',
              maxCost,
              cost,
              `This operation's estimated cost is ${cost}; the limit is ${maxCost}. Ask for fewer items per page or fewer fields.`,
            );
          }
        },
      };
    },
  };
}
