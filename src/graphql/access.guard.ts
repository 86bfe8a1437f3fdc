import { GraphQLError } from 'graphql';
import { Directive, UseMiddleware, type MiddlewareFn } from 'type-graphql';
import { hasScope, type Caller } from '../auth/caller.js';
import type { Scope } from '../auth/scope.registry.js';
import { UpstreamError } from '../upstream/upstream.error.js';
import type { GatewayContext } from './context.js';

// The gateway's own authorization, checked before a resolver runs and so before any upstream call.
// Each guard also writes the matching Federation directive into the subgraph SDL, so a router that
// enforces @requiresScopes / @authenticated agrees with what the gateway enforces itself.

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}

/** Throws FORBIDDEN naming what is missing. */
export function assertScopes(caller: Caller, scopes: readonly Scope[], what: string): void {
  const missing = scopes.filter((scope) => !hasScope(caller, scope));
  if (missing.length > 0) throw forbidden(`${what} needs the scope${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
}

function requiresScopesDirective(scopes: readonly Scope[]): string {
  return `@requiresScopes(scopes: [[${scopes.map((scope) => JSON.stringify(scope)).join(', ')}]])`;
}

type FieldDecorator = (prototype: object, propertyKey: string | symbol, descriptor?: PropertyDescriptor) => void;

function both(...decorators: Array<MethodDecorator & PropertyDecorator>): FieldDecorator {
  return (prototype, propertyKey, descriptor) => {
    for (const decorate of decorators) {
      if (descriptor) (decorate as MethodDecorator)(prototype, propertyKey, descriptor);
      else (decorate as PropertyDecorator)(prototype, propertyKey);
    }
  };
}

/** The field needs every one of these scopes. */
export function RequiresScopes(...scopes: Scope[]): FieldDecorator {
  const guard: MiddlewareFn<GatewayContext> = ({ context, info }, next) => {
    assertScopes(context.caller, scopes, `${info.parentType.name}.${info.fieldName}`);
    return next();
  };
  return both(UseMiddleware(guard), Directive(requiresScopesDirective(scopes)) as MethodDecorator & PropertyDecorator);
}

/** The same directive on a type: a router then guards every field of it. */
export function requiresScopesOnType(...scopes: Scope[]): ClassDecorator {
  return Directive(requiresScopesDirective(scopes)) as ClassDecorator;
}

/** Whether the caller may see every customer's applications, not just their own. */
export function seesAllApplications(caller: Caller): boolean {
  return hasScope(caller, 'applications:all');
}

/** A caller sees an application when it is their own customer's, or when they see all. */
export function mayAccessApplication(caller: Caller, customerId: string | undefined): boolean {
  return seesAllApplications(caller) || (caller.customerId !== undefined && customerId?.toLowerCase() === caller.customerId.toLowerCase());
}

/**
 * Someone else's application answers exactly as one that does not exist: the same error a 404 from
 * Bond maps to, so a caller cannot probe which ids are real.
 */
export function applicationNotFound(): UpstreamError {
  return new UpstreamError('bond', 'NOT_FOUND', 'Bond has no such item', { status: 404 });
}

/** The customer filter a list of applications must carry for this caller. */
export function applicationsCustomer(caller: Caller, requested: string | undefined): string | undefined {
  if (seesAllApplications(caller)) return requested;
  if (!caller.customerId) {
    throw forbidden("Your token names no Bond customer, and listing other customers' applications needs the scope applications:all");
  }
  const own = caller.customerId.toLowerCase();
  if (requested && requested.toLowerCase() !== own) {
    throw forbidden("customerId names another customer; listing other customers' applications needs the scope applications:all");
  }
  // Bond ids are lower-case UUIDs; a token may carry the claim in upper case.
  return own;
}

/**
 * Personal data of an applicant: the applicant themselves, or callers with pii:read. The parent
 * object must carry `customerId`. A router sees @authenticated: ownership is ours to check.
 */
export function PersonalData(): FieldDecorator {
  const guard: MiddlewareFn<GatewayContext> = ({ context, info, root }, next) => {
    const owner = (root as { customerId?: string }).customerId;
    const caller = context.caller;
    const own = caller.customerId !== undefined && owner?.toLowerCase() === caller.customerId.toLowerCase();
    if (!own && !hasScope(caller, 'pii:read')) {
      throw forbidden(`${info.parentType.name}.${info.fieldName} is another customer's personal data and needs the scope pii:read`);
    }
    return next();
  };
  return both(UseMiddleware(guard), Directive('@authenticated') as MethodDecorator & PropertyDecorator);
}
