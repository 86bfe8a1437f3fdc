/** "Load, then map, or null": the shape of every by-id field, in one place. */
export async function mapped<D, N>(pending: Promise<D | null | undefined>, toNode: (dto: D) => N): Promise<N | null> {
  const dto = await pending;
  return dto ? toNode(dto) : null;
}
