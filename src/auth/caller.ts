import { ALL_SCOPES, type Scope } from './scope.registry.js';

/** Who sent a GraphQL request, as established from their verified token (or AUTH_DISABLED). */
export interface Caller {
  /** The token's `sub`: the key of everything kept per caller (Bondora connection, fair shares). */
  readonly id: string;
  /** Known scopes only; unknown scope strings in a token are ignored. */
  readonly scopes: ReadonlySet<Scope>;
  /** The Bond customer this caller is (AUTH_CUSTOMER_CLAIM), when it is one. */
  readonly customerId: string | undefined;
  /** When the caller's token expires (epoch ms; a long-lived WebSocket ends then); none for AUTH_DISABLED. */
  readonly expiresAt?: number;
}

export function hasScope(caller: Caller, scope: Scope): boolean {
  return caller.scopes.has(scope);
}

/** AUTH_DISABLED: one caller with every scope, acting with the server's credentials. */
export const OPERATOR: Caller = Object.freeze({ id: 'operator', scopes: new Set(ALL_SCOPES), customerId: undefined });
