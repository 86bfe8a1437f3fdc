import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * Whether a connection field's selection asks for `field` on its items (under `nodes` or
 * `edges { node }`, fragments included): a resolver can then start the upstream call that field
 * will need beside its own, rather than after it.
 */
export function selectsItemField(info: GraphQLResolveInfo, field: string): boolean {
  return selectsAny(info, [['nodes'], ['edges', 'node']], new Set([field]));
}

/**
 * Whether the field being resolved selects any of `names` at the end of one of `paths` (a path of
 * field names below it; `[]` is its own selection), through inline fragments and named ones.
 */
export function selectsAny(info: GraphQLResolveInfo, paths: ReadonlyArray<readonly string[]>, names: ReadonlySet<string>): boolean {
  const within = (set: SelectionSetNode | undefined, path: readonly string[], seen: ReadonlySet<string>): boolean => {
    if (!set) return false;
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (within(selection.selectionSet, path, seen)) return true;
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        if (seen.has(name)) continue;
        if (within(info.fragments[name]?.selectionSet, path, new Set([...seen, name]))) return true;
      } else if (path.length === 0) {
        if (names.has(selection.name.value)) return true;
      } else if (selection.name.value === path[0] && within(selection.selectionSet, path.slice(1), seen)) {
        return true;
      }
    }
    return false;
  };
  return info.fieldNodes.some((node) => paths.some((path) => within(node.selectionSet, path, new Set())));
}
