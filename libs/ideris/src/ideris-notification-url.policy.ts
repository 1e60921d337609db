import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { IderisApiError } from './ideris-api.error';

/**
 * A notification URL that no retry fixes, only an operator (stable reason codes): not set, refused by its receiver
 * or by the hub (404/410, a redirect, not http(s), a private address), or the receiver saying 401/403.
 */
export type NotificationUrlProblem = 'url_missing' | 'url_rejected' | 'url_unauthorised';

export class NotificationUrlError extends IderisApiError {
  constructor(
    readonly problem: NotificationUrlProblem,
    path: string,
    /** Plain words for the operator; never the URL's path or query (where a token lives), never the answer's body. */
    readonly plainReason: string,
    httpStatus?: number,
  ) {
    super({ kind: 'request', path, httpStatus, detail: plainReason });
    this.name = 'NotificationUrlError';
  }
}

export interface NotificationUrlPolicy {
  /**
   * Lets a URL resolve to loopback, private or link-local addresses (the sandbox and the tests run on 127.0.0.1);
   * off in production, where the URL is a seller-supplied target the hub would otherwise reach inside its network.
   */
  allowPrivateAddresses: boolean;
  /** Resolves a host name to its addresses (tests replace DNS). */
  resolve?: (host: string) => Promise<string[]>;
}

/** Loopback, private, shared, link-local, multicast, reserved and unspecified ranges, and IPv4-mapped IPv6. */
const NOT_PUBLIC = (() => {
  const list = new BlockList();
  for (const [net, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4]] as const) {
    list.addSubnet(net, prefix, 'ipv4');
  }
  for (const [net, prefix] of [['::', 128], ['::1', 128], ['64:ff9b::', 96], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) {
    list.addSubnet(net, prefix, 'ipv6');
  }
  return list;
})();

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  const mapped = family === 6 ? ipv4MappedOf(address) : undefined;
  if (mapped) return isPublicAddress(mapped);
  return !NOT_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** `::ffff:127.0.0.1` (or `::ffff:7f00:1`, as URL writes it) is 127.0.0.1. */
function ipv4MappedOf(address: string): string | undefined {
  const match = /^::ffff:(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(address);
  if (!match) return undefined;
  if (match[1]) return match[1];
  const high = parseInt(match[2]!, 16);
  const low = parseInt(match[3]!, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/**
 * Refuses, before anything is sent, a URL the hub must not post to: not http(s), or (unless the policy allows it) a
 * host that resolves to an address inside a network. The check and the post resolve the name separately; a redirect
 * is never followed (see `IderisClient.postToUrl`).
 */
export async function checkNotificationUrl(url: string, path: string, policy: NotificationUrlPolicy): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new NotificationUrlError('url_rejected', path, 'the URL set on the connection is not a valid URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new NotificationUrlError('url_rejected', path, `the URL set on the connection is ${parsed.protocol.replace(':', '')}, not http(s)`);
  }
  if (policy.allowPrivateAddresses) return;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : await resolveHost(host, path, policy.resolve ?? resolveWithDns);
  if (addresses.length === 0 || !addresses.every(isPublicAddress)) {
    throw new NotificationUrlError('url_rejected', path, `the URL's host ${parsed.host} is a loopback, private or link-local address; the hub posts only to public addresses (IDERIS_URLS_ALLOW_PRIVATE=true allows others)`);
  }
}

async function resolveHost(host: string, path: string, resolve: (host: string) => Promise<string[]>): Promise<string[]> {
  try {
    return await resolve(host);
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTFOUND') throw new NotificationUrlError('url_rejected', path, `the URL's host ${host} does not exist (DNS)`);
    throw new IderisApiError({ kind: 'transient', path, detail: 'DNS lookup failed', cause: error });
  }
}

async function resolveWithDns(host: string): Promise<string[]> {
  return (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
}

/** Where a redirect pointed, with no secret: scheme and host, the rest masked but its last 4 characters. */
export function maskedLocation(location: string | null, base: string): string {
  if (!location) return '(no Location)';
  try {
    const parsed = new URL(location, base);
    const rest = parsed.href.slice(parsed.origin.length);
    return `${parsed.origin}/${'•'.repeat(8)}${rest.length > 8 ? rest.slice(-4) : ''}`;
  } catch {
    return '(an invalid Location)';
  }
}

/** An answer the hub keeps instead of the receiver's text: nothing a URL pointed inside a network could leak through. */
export function answerSummary(response: Response, bytes: number): string {
  return `HTTP ${response.status}, ${response.headers.get('content-type')?.split(';')[0]?.trim() || 'no content-type'}, ${bytes} bytes`;
}
