import { GraphQLError } from 'graphql';
import { Arg, Ctx, Directive, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { BondoraConnections } from '../../auth/bondora.connections.js';
import { isAllowedReturnUrl } from '../../auth/return.urls.js';
import type { OAuthConnectionStatus } from '../../upstream/bondora/bondora.credential.js';
import type { GatewayContext } from '../context.js';
import { badUserInput } from '../error.mapper.js';
import { BondoraAuthorization, BondoraConnectionStatus, BondoraCredentialSource, BondoraDisconnection, Me } from './me.type.js';

// The caller's own view of themselves and their Bondora connection. Any authenticated caller may
// use these: they only ever touch the caller's own connection, keyed by their token's subject.

function connectionsOf(ctx: GatewayContext): BondoraConnections {
  if (!ctx.bondoraConnections) {
    throw new GraphQLError('This gateway has no Bondora application configured (BONDORA_CLIENT_ID, BONDORA_CLIENT_SECRET)', {
      extensions: { code: 'FORBIDDEN', reason: 'BONDORA_OAUTH_NOT_CONFIGURED' },
    });
  }
  return ctx.bondoraConnections;
}

const SOURCES = {
  connection: BondoraCredentialSource.CONNECTION,
  header: BondoraCredentialSource.HEADER,
  shared: BondoraCredentialSource.SHARED,
  none: BondoraCredentialSource.NONE,
} as const;

async function connectionStatus(ctx: GatewayContext): Promise<BondoraConnectionStatus> {
  const status: OAuthConnectionStatus = ctx.bondoraConnections
    ? await ctx.bondoraConnections.status(ctx.caller.id)
    : { connected: false, expiresAt: null, scope: null, lastError: null };
  return {
    connected: status.connected,
    expiresAt: status.expiresAt ? new Date(status.expiresAt) : null,
    scope: status.scope,
    // The upstream's words stay in the log; the caller learns only that a new login is needed.
    needsReconnect: !status.connected && status.lastError !== null,
    credential: SOURCES[await ctx.bondoraAccess.source()],
  };
}

@Resolver(() => Me)
export class MeResolver {
  @Query(() => Me, { description: 'Who you are to this gateway: your id, scopes, Bond customer and Bondora connection.' })
  @Directive('@authenticated')
  me(@Ctx() ctx: GatewayContext): Me {
    return { id: ctx.caller.id, scopes: [...ctx.caller.scopes].sort(), customerId: ctx.caller.customerId ?? null };
  }

  @FieldResolver(() => BondoraConnectionStatus)
  async bondora(@Root() _me: Me, @Ctx() ctx: GatewayContext): Promise<BondoraConnectionStatus> {
    return connectionStatus(ctx);
  }

  @Mutation(() => BondoraAuthorization, {
    description:
      "Starts connecting your own Bondora account: open authorizeUrl in the browser. The callback stores your tokens (encrypted at rest) and then sends the browser to returnTo, which must be on the gateway's AUTH_RETURN_URLS list.",
  })
  @Directive('@authenticated')
  async connectBondora(
    @Arg('returnTo', () => String, { nullable: true }) returnTo: string | null | undefined,
    @Ctx() ctx: GatewayContext,
  ): Promise<BondoraAuthorization> {
    if (returnTo && !isAllowedReturnUrl(returnTo, ctx.returnUrls)) {
      throw badUserInput('returnTo is not on this gateway\'s list of return URLs (AUTH_RETURN_URLS)', 'returnTo');
    }
    const { url, expiresAt } = await connectionsOf(ctx).authorize(ctx.caller.id, returnTo ?? undefined);
    return { authorizeUrl: url, expiresAt };
  }

  @Mutation(() => BondoraDisconnection, { description: 'Revokes your Bondora token at Bondora and forgets your connection.' })
  @Directive('@authenticated')
  async disconnectBondora(@Ctx() ctx: GatewayContext): Promise<BondoraDisconnection> {
    return connectionsOf(ctx).disconnect(ctx.caller.id);
  }
}
