// Where the Bondora OAuth callback may send a browser back (AUTH_RETURN_URLS): an allowed entry's
// origin and a path at or below the entry's path. Anything else would make the callback an open redirect.

export function isAllowedReturnUrl(candidate: string, allowed: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (url.username || url.password) return false;
  return allowed.some((entry) => {
    const base = new URL(entry);
    if (base.origin !== url.origin) return false;
    const prefix = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
    return url.pathname === base.pathname || url.pathname.startsWith(prefix);
  });
}
