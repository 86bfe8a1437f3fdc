import { badUserInput } from './error.mapper.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Every upstream id here is a GUID; anything else is rejected before an upstream call. */
export function requireUuid(value: string, argument: string): string {
  if (!isUuid(value)) throw badUserInput(`"${argument}" must be a UUID such as "2629182a-3aeb-4834-846a-1688d4649bb9"`, argument);
  return value.toLowerCase();
}
