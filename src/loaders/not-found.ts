import { UpstreamError } from '../upstream/upstream.error.js';

/** A 404 from a by-id endpoint means "no such item": the loader answers null, not an error. */
export async function nullIfNotFound<T>(promise: Promise<T>): Promise<T | null> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof UpstreamError && error.kind === 'NOT_FOUND') return null;
    throw error;
  }
}

export const lowerCaseKey = (key: string): string => key.toLowerCase();
