import { Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { encodeCursor, type CursorKind } from './cursor.js';

@ObjectType({ description: 'Relay page information.' })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean)
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  nodes: T[];
  pageInfo: PageInfo;
  totalCount?: number;
}

/** Builds `<Name>Edge` and `<Name>Connection` object types for a node type. */
export function connectionType<T extends object>(name: string, node: ClassType<T>, options: { totalCount: boolean }): ClassType<Connection<T>> {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field(() => String, { description: 'Opaque cursor of this edge.' })
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionType {
    @Field(() => [EdgeType])
    edges!: EdgeType[];

    @Field(() => [node], { description: 'The nodes of `edges`, for clients that need no cursors.' })
    nodes!: T[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    totalCount?: number;
  }
  if (options.totalCount) {
    Field(() => Int, { description: 'Items matching the arguments across all pages, as the upstream counts them.' })(
      ConnectionType.prototype,
      'totalCount',
    );
  }
  return ConnectionType as ClassType<Connection<T>>;
}

/** Assembles a connection from items and the cursor value of each. */
export function toConnection<T>(
  kind: CursorKind,
  items: T[],
  cursorValue: (item: T, index: number) => string | number,
  page: { hasNextPage: boolean; hasPreviousPage: boolean; totalCount?: number },
): Connection<T> {
  const edges = items.map((node, index) => ({ cursor: encodeCursor(kind, cursorValue(node, index)), node }));
  return {
    edges,
    nodes: items,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    ...(page.totalCount === undefined ? {} : { totalCount: page.totalCount }),
  };
}
