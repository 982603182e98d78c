// The probe's target: a base URL that must be loopback unless the user names its host, checked with no network use.
import { isIP } from 'node:net';
import { UsageError } from '../cli/usage-error.js';

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** Parses and checks the base URL; never resolves a name, so a refused target sees no packet at all. */
export function checkTarget(baseUrl: string, allowHosts: string[] = []): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new UsageError(`not a URL: ${baseUrl}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`only http and https targets can be probed, not ${url.protocol}`);
  const allowed = allowHosts.map((h) => h.toLowerCase());
  if (!isLoopback(url.hostname) && !allowed.includes(url.hostname.toLowerCase())) {
    throw new UsageError(`refusing to probe ${url.hostname}: not loopback; pass --allow-host ${url.hostname} if you own it`);
  }
  return url;
}
