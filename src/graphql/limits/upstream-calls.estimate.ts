import {
  Kind,
  getNamedType,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { DEFAULT_PAGE_ITEMS, MAX_PAGE_ITEMS } from '../pagination/connection.args.js';
import { UPSTREAM_CALL_COSTS, type UpstreamCost } from './upstream-calls.costs.js';

// An upper bound, from the document alone, on the upstream calls one operation can make, by the
// rules in upstream-calls.costs.ts. It runs before validation, so it must survive any input:
// unknown names and missing fragments count 0, and fragment cycles are cut. A document too deep or
// too large to walk within the caps is Infinity: what cannot be bounded cannot be allowed.

export interface EstimateOptions {
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/** Field and fragment levels walked; the depth rule refuses far shallower operations anyway. */
const MAX_DEPTH = 64;
/** Selections visited per operation (fragments expanded); real operations stay far below it. */
const MAX_VISITS = 20_000;

type AnyField = GraphQLField<unknown, unknown>;

interface Walk {
  schema: GraphQLSchema;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  variables: Readonly<Record<string, unknown>>;
  /** Per-operation lists already paid for: each costs once however often it is read. */
  lists: Set<string>;
  visits: number;
  /** Set when a cap stopped the walk, so the count is no bound at all. */
  truncated: boolean;
}

/** A field occurrence, with the fragments it sits inside (to cut fragment cycles). */
interface Occurrence {
  node: FieldNode;
  within: ReadonlySet<string>;
}

/** Occurrences by the type they apply to, then by response key (one key is one execution). */
type Collected = Map<GraphQLCompositeType, Map<string, Occurrence[]>>;

/** Parent items a selection runs for: `all`, or per concrete type under `_entities`. */
interface Parents {
  all: number;
  byType?: ReadonlyMap<string, number>;
}

/**
 * Upstream calls the chosen operation may make: 0 when no operation would run (unknown or ambiguous
 * name), Infinity when the document is too deep or too large to walk.
 */
export function estimateUpstreamCalls(schema: GraphQLSchema, document: DocumentNode, options: EstimateOptions = {}): number {
  try {
    const operation = pickOperation(document, options.operationName);
    const root = operation ? schema.getRootType(operation.operation) : undefined;
    if (!operation || !root) return 0;
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    const variables = variablesOf(operation, options.variables);
    const walk: Walk = { schema, fragments, variables, lists: new Set(), visits: 0, truncated: false };
    const calls = operationCost(walk, operation, root);
    return walk.truncated ? Number.POSITIVE_INFINITY : calls;
  } catch {
    // Never the reason a request fails: Apollo reports what is wrong with the document.
    return 0;
  }
}

/** The operation Apollo will run: the named one, or the only one; none when ambiguous. */
function pickOperation(document: DocumentNode, name: string | null | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (name) return operations.find((o) => o.name?.value === name);
  return operations.length === 1 ? operations[0] : undefined;
}

/** Supplied variables over the operation's declared defaults, as execution will see them. */
function variablesOf(operation: OperationDefinitionNode, supplied: Record<string, unknown> | null | undefined): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) values[definition.variable.name.value] = valueFromASTUntyped(definition.defaultValue);
  }
  return isRecord(supplied) ? { ...values, ...supplied } : values;
}

/** Mutation root fields run one after another and writes reset the lists, so each pays its own. */
function operationCost(walk: Walk, operation: OperationDefinitionNode, root: GraphQLCompositeType): number {
  const perRootField = operation.operation === 'mutation';
  let total = 0;
  for (const [scope, fields] of collect(walk, [{ set: operation.selectionSet, within: new Set() }], root, 0)) {
    for (const occurrences of fields.values()) {
      total += fieldCost(walk, scope, occurrences, 1, undefined, [], 0);
      if (perRootField) {
        total += walk.lists.size;
        walk.lists.clear();
      }
    }
  }
  return total + walk.lists.size;
}

/**
 * Calls made by a selection set run for `parents` items. `items` is set when the type is a
 * connection: its `edges` and `nodes` hold the same items, so only the dearer branch counts.
 */
function selectionCost(
  walk: Walk,
  sets: ReadonlyArray<{ set: SelectionSetNode; within: ReadonlySet<string> }>,
  type: GraphQLCompositeType,
  parents: Parents,
  items: number | undefined,
  depth: number,
): number {
  if (walk.truncated) return 0;
  if (depth > MAX_DEPTH) {
    walk.truncated = true;
    return 0;
  }
  let total = 0;
  for (const [scope, fields] of collect(walk, sets, type, depth)) {
    const count = parents.byType ? (parents.byType.get(scope.name) ?? (isAbstractType(scope) ? parents.all : 0)) : parents.all;
    if (count <= 0) continue;
    const details: string[] = [];
    let itemBranch = 0;
    for (const occurrences of fields.values()) {
      const cost = fieldCost(walk, scope, occurrences, count, items, details, depth);
      const name = occurrences[0]!.node.name.value;
      if (items !== undefined && (name === 'edges' || name === 'nodes')) itemBranch = Math.max(itemBranch, cost);
      else total += cost;
    }
    // Fields of one detail group on the same item share a single call per item.
    total += details.length * count + itemBranch;
  }
  return total;
}

/** One response key (its occurrences merged) on `count` items of `scope`, with its selection. */
function fieldCost(
  walk: Walk,
  scope: GraphQLCompositeType,
  occurrences: Occurrence[],
  count: number,
  parentItems: number | undefined,
  details: string[],
  depth: number,
): number {
  const node = occurrences[0]!.node;
  const name = node.name.value;
  const field = name.startsWith('__') ? undefined : fieldOf(scope, name);
  if (!field) return 0;
  const rule: UpstreamCost | undefined = UPSTREAM_CALL_COSTS[`${scope.name}.${name}`];

  if (rule?.kind === 'entities') {
    const groups = representationsByType(node, walk.variables);
    let own = 0;
    let all = 0;
    const perType = new Map<string, number>();
    for (const [typeName, group] of groups) {
      const entity = rule.types[typeName];
      if (entity?.kind === 'each') own += group.calls * count;
      else if (entity?.kind === 'perOperation') walk.lists.add(entity.list);
      perType.set(typeName, group.size * count);
      all += group.size;
    }
    return own + childrenCost(walk, occurrences, field, { all: all * count, byType: perType }, undefined, depth);
  }

  let own = 0;
  if (rule?.kind === 'calls' || rule?.kind === 'window') own = rule.calls * count;
  else if (rule?.kind === 'perItem' && !details.includes(rule.detail)) details.push(rule.detail);
  else if (rule?.kind === 'perOperation') walk.lists.add(rule.list);

  if (isConnectionField(field)) {
    const items = pageItems(node, walk.variables);
    if (rule?.kind === 'pages') {
      const anchored = rule.anchorRead && (node.arguments ?? []).some((a) => a.name.value === 'after' || a.name.value === 'before');
      own = (Math.ceil(items / rule.pageSize) + (anchored ? 1 : 0)) * count;
    }
    return own + childrenCost(walk, occurrences, field, { all: count }, items, depth);
  }
  const itemList = parentItems !== undefined && (name === 'edges' || name === 'nodes');
  return own + childrenCost(walk, occurrences, field, { all: itemList ? count * parentItems : count }, undefined, depth);
}

/** The merged selection of every occurrence of a field, run for `parents`. */
function childrenCost(walk: Walk, occurrences: Occurrence[], field: AnyField, parents: Parents, items: number | undefined, depth: number): number {
  const type = getNamedType(field.type);
  if (!isCompositeType(type)) return 0;
  const sets = occurrences.flatMap(({ node, within }) => (node.selectionSet ? [{ set: node.selectionSet, within }] : []));
  return sets.length > 0 ? selectionCost(walk, sets, type, parents, items, depth + 1) : 0;
}

/** Flattens fragments into fields, narrowing the type each applies to; a fragment expands once per set. */
function collect(
  walk: Walk,
  sets: ReadonlyArray<{ set: SelectionSetNode; within: ReadonlySet<string> }>,
  type: GraphQLCompositeType,
  depth: number,
): Collected {
  const out: Collected = new Map();
  const expanded = new Set<string>();
  for (const { set, within } of sets) collectInto(walk, out, expanded, set, type, within, depth);
  return out;
}

function collectInto(
  walk: Walk,
  out: Collected,
  expanded: Set<string>,
  set: SelectionSetNode,
  scope: GraphQLCompositeType,
  within: ReadonlySet<string>,
  nesting: number,
): void {
  if (nesting > MAX_DEPTH || walk.visits + set.selections.length > MAX_VISITS) {
    walk.truncated = true;
    return;
  }
  walk.visits += set.selections.length;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      let byKey = out.get(scope);
      if (!byKey) out.set(scope, (byKey = new Map()));
      const key = selection.alias?.value ?? selection.name.value;
      const occurrences = byKey.get(key);
      if (occurrences) occurrences.push({ node: selection, within });
      else byKey.set(key, [{ node: selection, within }]);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const inner = narrow(walk.schema, scope, selection.typeCondition?.name.value);
      if (inner) collectInto(walk, out, expanded, selection.selectionSet, inner, within, nesting + 1);
    } else {
      const name = selection.name.value;
      const fragment = walk.fragments.get(name);
      const inner = fragment ? narrow(walk.schema, scope, fragment.typeCondition.name.value) : undefined;
      const key = `${inner?.name}:${name}`;
      // A fragment inside itself is a cycle (validation reports it); twice in one set adds nothing.
      if (!fragment || !inner || within.has(name) || expanded.has(key)) continue;
      expanded.add(key);
      collectInto(walk, out, expanded, fragment.selectionSet, inner, new Set(within).add(name), nesting + 1);
    }
  }
}

/** The type a fragment's fields apply to inside `scope`; undefined when they can never apply. */
function narrow(schema: GraphQLSchema, scope: GraphQLCompositeType, condition: string | undefined): GraphQLCompositeType | undefined {
  if (condition === undefined) return scope;
  const type = schema.getType(condition);
  if (!type || !isCompositeType(type)) return undefined;
  if (isObjectType(scope)) return isObjectType(type) && type !== scope ? undefined : scope;
  return isObjectType(type) ? type : scope;
}

function fieldOf(scope: GraphQLCompositeType, name: string): AnyField | undefined {
  return isObjectType(scope) || isInterfaceType(scope) ? scope.getFields()[name] : undefined;
}

/** A Relay connection: paged by first/last, returning a type with edges or nodes. */
function isConnectionField(field: AnyField): boolean {
  if (!field.args.some((a) => a.name === 'first' || a.name === 'last')) return false;
  const type = getNamedType(field.type);
  return isObjectType(type) && ('edges' in type.getFields() || 'nodes' in type.getFields());
}

/** Items a page may hold: `first`/`last`, capped at the maximum; anything else counts as the default. */
function pageItems(node: FieldNode, variables: Readonly<Record<string, unknown>>): number {
  const asked = ['first', 'last'].map((name) => argumentValue(node, name, variables)).filter((v) => v !== null && v !== undefined);
  if (asked.length === 0) return DEFAULT_PAGE_ITEMS;
  // Execution rejects non-integers and values out of range, so those make no more calls than the default.
  return Math.max(...asked.map((v) => (typeof v === 'number' && Number.isInteger(v) && v >= 1 ? Math.min(v, MAX_PAGE_ITEMS) : DEFAULT_PAGE_ITEMS)));
}

/**
 * Representations grouped by `__typename`: `size` of each group, and the by-id `calls` it needs,
 * which the loaders make once per distinct id. Anything that is not a typed object is ignored.
 */
function representationsByType(node: FieldNode, variables: Readonly<Record<string, unknown>>): Map<string, { size: number; calls: number }> {
  const groups = new Map<string, { size: number; calls: number; ids: Set<string> }>();
  const representations = argumentValue(node, 'representations', variables);
  if (!Array.isArray(representations)) return groups;
  for (const representation of representations) {
    if (!isRecord(representation) || typeof representation['__typename'] !== 'string') continue;
    const typeName = representation['__typename'];
    const group = groups.get(typeName) ?? { size: 0, calls: 0, ids: new Set<string>() };
    groups.set(typeName, group);
    group.size++;
    const id = representation['id'];
    // Loaders key ids case-insensitively; an id that is not a string is counted as a call of its own.
    if (typeof id !== 'string') group.calls++;
    else if (!group.ids.has(id.toLowerCase())) {
      group.ids.add(id.toLowerCase());
      group.calls++;
    }
  }
  return groups;
}

function argumentValue(node: FieldNode, name: string, variables: Readonly<Record<string, unknown>>): unknown {
  const argument = node.arguments?.find((a) => a.name.value === name);
  return argument ? valueFromASTUntyped(argument.value, variables) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
