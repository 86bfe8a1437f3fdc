import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from '../scalar.type.js';

export enum BondoraCredentialSource {
  CONNECTION = 'CONNECTION',
  HEADER = 'HEADER',
  SHARED = 'SHARED',
  NONE = 'NONE',
}

registerEnumType(BondoraCredentialSource, {
  name: 'BondoraCredentialSource',
  description: 'Which Bondora credential your Bondora fields act with.',
  valuesConfig: {
    CONNECTION: { description: 'Your own Bondora connection (connectBondora).' },
    HEADER: { description: 'The token you sent in x-bondora-token.' },
    SHARED: { description: "The gateway's own token (you hold bondora:shared)." },
    NONE: { description: 'None: Bondora fields fail with BONDORA_NOT_CONNECTED.' },
  },
});

@ObjectType({ description: "Your Bondora OAuth connection. Its tokens are never shown." })
export class BondoraConnectionStatus {
  @Field(() => Boolean)
  connected!: boolean;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the current access token expires (it is refreshed before then).' })
  expiresAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'The Bondora scopes granted, space-separated.' })
  scope!: string | null;

  @Field(() => Boolean, { description: 'The connection was dropped because Bondora refused to refresh it: connect again.' })
  needsReconnect!: boolean;

  @Field(() => BondoraCredentialSource, { description: 'Which credential this request used for Bondora.' })
  credential!: BondoraCredentialSource;
}

@ObjectType({ description: 'The caller, as the gateway knows them from their token.' })
export class Me {
  @Field(() => ID, { description: "The token's subject." })
  id!: string;

  @Field(() => [String], { description: 'The scopes the gateway recognised in the token.' })
  scopes!: string[];

  @Field(() => ID, { nullable: true, description: 'The Bond customer you are, when your token names one.' })
  customerId!: string | null;
}

@ObjectType({ description: "Open authorizeUrl in the user's browser; Bondora sends it back to the gateway's callback." })
export class BondoraAuthorization {
  @Field(() => String)
  authorizeUrl!: string;

  @Field(() => DateTimeScalar, { description: 'The login must finish before this instant.' })
  expiresAt!: Date;
}

@ObjectType()
export class BondoraDisconnection {
  @Field(() => Boolean, { description: 'Whether you had a connection.' })
  wasConnected!: boolean;

  @Field(() => Boolean, { description: 'Whether Bondora confirmed the token is revoked (the gateway forgets it either way).' })
  revoked!: boolean;
}
