import { GraphQLError, type ASTNode } from 'graphql';

/** A limit refusal: the caller's input, so BAD_USER_INPUT, with which limit and by how much. */
export function limitExceeded(limit: string, max: number, actual: number, message: string, nodes?: readonly ASTNode[]): GraphQLError {
  return new GraphQLError(message, {
    nodes,
    extensions: { code: 'BAD_USER_INPUT', limit, max, actual, http: { status: 400 } },
  });
}
