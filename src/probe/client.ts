// The probe's only way onto the network: one undici Pool to the target, with the API key attached, a request
// budget, a rate limit, timeouts, backoff on 429/503, and a stop when the server keeps failing.
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import type { KeyPlacement } from './types.js';

/** Why a request is sent: probing spends the budget; undoing the probe's own changes never runs out. */
export type Purpose = 'probe' | 'check' | 'undo';

/** Whose credentials go with the request: the user's key, none, or another key (one the probe was issued). */
export type Credentials = { kind: 'own' } | { kind: 'none' } | { kind: 'key'; key: string };

export interface HttpResponse {
  status: number;
  location?: string;
  body: unknown;
}

/** The probe must stop: budget spent, server failing, or unreachable. */
export class ProbeAbort extends Error {
  constructor(message: string, readonly unreachable = false) {
    super(message);
  }
}

export interface ClientOptions {
  apiKey: string;
  placement: KeyPlacement;
  maxRequests: number;
  rate?: number;
  timeoutMs: number;
}

const MAX_RETRIES = 3;
const MAX_CONSECUTIVE_5XX = 5;
const MAX_TOTAL_5XX = 50;

export class ProbeClient {
  requests = 0;
  private readonly pool: Pool;
  private readonly basePath: string;
  private lastSent = 0;
  private consecutive5xx = 0;
  private total5xx = 0;

  constructor(private readonly base: URL, private readonly options: ClientOptions) {
    this.pool = new Pool(base.origin, { connections: 1, headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs, connectTimeout: options.timeoutMs });
    this.basePath = base.pathname.replace(/\/$/, '');
  }

  /** The URL as shown in evidence: base path + path, and the key's query parameter when that is how it travels. */
  url(path: string, credentials: Credentials = { kind: 'own' }): string {
    const key = this.keyFor(credentials);
    const full = `${this.basePath}${path}`;
    if (key === undefined || this.options.placement.kind !== 'query') return full;
    return `${full}${full.includes('?') ? '&' : '?'}${encodeURIComponent(this.options.placement.name)}=${encodeURIComponent(key)}`;
  }

  async send(method: string, path: string, purpose: Purpose, body?: unknown, credentials: Credentials = { kind: 'own' }): Promise<HttpResponse> {
    if (purpose !== 'undo' && this.requests >= this.options.maxRequests) {
      throw new ProbeAbort(`request budget of ${this.options.maxRequests} spent (raise --max-requests)`);
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    const key = this.keyFor(credentials);
    if (key !== undefined && this.options.placement.kind === 'header') headers[this.options.placement.name.toLowerCase()] = key;
    if (body !== undefined) headers['content-type'] = 'application/json';
    for (let attempt = 0; ; attempt++) {
      await this.pace();
      const response = await this.once(method, this.url(path, credentials), headers, body);
      if ((response.status === 429 || response.status === 503) && attempt < MAX_RETRIES) {
        await sleep(response.retryAfterMs ?? 250 * 2 ** attempt);
        continue;
      }
      this.track5xx(response.status, purpose);
      return { status: response.status, location: response.location, body: response.body };
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  /** The key to send; an issued key goes in the same form as the user's (`ApiKey <key>` when that is how it was given). */
  private keyFor(credentials: Credentials): string | undefined {
    if (credentials.kind === 'none') return undefined;
    if (credentials.kind === 'own') return this.options.apiKey;
    const scheme = /^(\S+)\s+\S+$/.exec(this.options.apiKey)?.[1];
    return scheme && this.options.placement.kind === 'header' ? `${scheme} ${credentials.key}` : credentials.key;
  }

  private async pace(): Promise<void> {
    if (this.options.rate && this.options.rate > 0) {
      const wait = this.lastSent + 1000 / this.options.rate - Date.now();
      if (wait > 0) await sleep(wait);
    }
    this.lastSent = Date.now();
  }

  private async once(method: string, url: string, headers: Record<string, string>, body: unknown) {
    this.requests++;
    try {
      const response = await this.pool.request({ path: url, method: method as 'GET', headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await response.body.text();
      const header = (name: string) => {
        const value = response.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      const retryAfter = Number(header('retry-after'));
      return {
        status: response.statusCode,
        location: header('location'),
        body: parseBody(text),
        retryAfterMs: Number.isFinite(retryAfter) && retryAfter >= 0 ? Math.min(retryAfter, 5) * 1000 : undefined,
      };
    } catch (error) {
      const code = (error as { code?: string }).code ?? (error as Error).message;
      throw new ProbeAbort(`cannot reach ${this.base.origin}: ${code}`, true);
    }
  }

  private track5xx(status: number, purpose: Purpose): void {
    if (status < 500) {
      if (purpose !== 'probe') this.consecutive5xx = 0;
      return;
    }
    this.total5xx++;
    // A probe write answering 500 is normal (an unknown keyword to a constructor); failing checks are not.
    if (purpose !== 'probe') this.consecutive5xx++;
    if (purpose !== 'undo' && (this.consecutive5xx >= MAX_CONSECUTIVE_5XX || this.total5xx >= MAX_TOTAL_5XX)) {
      throw new ProbeAbort(`stopped: the server keeps answering ${status} (${this.total5xx} server errors so far)`);
    }
  }
}

function parseBody(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text.length > 500 ? `${text.slice(0, 500)}…` : text;
  }
}
