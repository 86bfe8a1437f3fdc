import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../scalar.type.js';

@ObjectType({ description: 'Why Bond denied a credit application (its adverse action notice).' })
export class AdverseAction {
  @Field(() => ID, { description: "Bond's adverse action id." })
  id!: string;

  @Field(() => ID)
  applicationId!: string;

  @Field(() => String, { nullable: true, description: 'The Bond service that decided, e.g. "kyc".' })
  service!: string | null;

  @Field(() => [String], { description: 'The reasons as Bond words them, e.g. "Unable to verify identity".' })
  reasons!: string[];

  @Field(() => DateTimeScalar, { nullable: true })
  createdAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  updatedAt!: Date | null;
}
