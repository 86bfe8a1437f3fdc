import { readFileSync } from 'node:fs';

/**
 * The local addresses listening on a TCP port, read from the kernel's socket tables, so a test can
 * prove what listens on loopback only without sending traffic to any other address:
 * "127.0.0.1", "0.0.0.0", "::1", "::" or the raw hex of another IPv6 address.
 */
export function listeners(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const out: string[] = [];
  for (const [file, v6] of [
    ['/proc/net/tcp', false],
    ['/proc/net/tcp6', true],
  ] as const) {
    let table = '';
    try {
      table = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of table.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state !== '0A' || !local?.endsWith(`:${hexPort}`)) continue;
      const hex = local.slice(0, local.indexOf(':'));
      if (!v6) out.push(hex.match(/../g)!.reverse().map((b) => parseInt(b, 16)).join('.'));
      else out.push(/^0+$/.test(hex) ? '::' : hex === '00000000000000000000000001000000' ? '::1' : hex);
    }
  }
  return out;
}
