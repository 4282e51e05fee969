// The client address that per-IP limits count: the socket's peer, or with TRUST_PROXY=n the
// address the n-th proxy from us saw (X-Forwarded-For is appended to by each proxy, so only its
// last n entries were written by proxies we trust; the ones before can be made up by anyone).
// IPv6 clients are counted by their /64, which one subscriber usually holds whole.
import { isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/** The peer address of the socket, or undefined outside @hono/node-server (app.request in tests). */
function socketAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

export function clientIp(c: Context, trustProxyHops: number): string {
  let address = socketAddress(c);
  if (trustProxyHops > 0) {
    const hops = (c.req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const seen = hops[hops.length - trustProxyHops] ?? hops[0];
    if (seen) address = seen;
  }
  return rateKeyOfAddress(address);
}

/** `1.2.3.4`, `2001:db8:1:2::/64`, or `unknown` (every caller without an address shares one key). */
export function rateKeyOfAddress(address: string | undefined): string {
  if (!address) return 'unknown';
  const a = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const mapped = /^(?:::ffff:)?(\d+\.\d+\.\d+\.\d+)(?::\d+)?$/i.exec(a);
  if (mapped) return mapped[1]!;
  const kind = isIP(a);
  if (kind === 4) return a;
  if (kind !== 6) return 'unknown';
  const [head = '', tail] = a.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = [
    ...left,
    ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'),
    ...right,
  ];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
