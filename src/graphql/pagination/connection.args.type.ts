import { ArgsType, Field, Int } from 'type-graphql';

@ArgsType()
export class ForwardConnectionArgs {
  @Field(() => Int, { nullable: true, description: 'Items to return, 1 to 100; default 20.' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Return items after this cursor (an endCursor).' })
  after?: string | null;
}

@ArgsType()
export class BidirectionalConnectionArgs extends ForwardConnectionArgs {
  @Field(() => Int, { nullable: true, description: 'Items before `before` to return, 1 to 100; needs `before`.' })
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'Return items before this cursor (a startCursor).' })
  before?: string | null;
}
