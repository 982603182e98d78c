// The probe's only way onto the network: one undici Pool to the target, with the credentials attached, a request
// budget, a rate limit, a whole-request timeout and a body size cap, a wall-clock limit for the run, backoff on
// 429/503, retries for undo requests, and a stop when the server keeps failing. Redirects are never followed.
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
  /** The body passed the size cap and was not parsed. */
  tooLarge?: boolean;
}

/** The probe must stop: budget spent, time up, server failing, or unreachable. */
export class ProbeAbort extends Error {
  constructor(message: string, readonly unreachable = false) {
    super(message);
  }
}

export interface ClientOptions {
  apiKey: string;
  placement: KeyPlacement;
  /** Extra request headers (`--header`, `--cookie`), sent with the user's own credentials. */
  headers?: Record<string, string>;
  maxRequests: number;
  rate?: number;
  /** Connect, headers and the whole body: each request ends within this. */
  timeoutMs: number;
  /** Bodies longer than this are dropped unparsed. */
  maxBodyBytes?: number;
  /** Epoch ms after which no probe or check request starts (undo requests still run). */
  deadline?: number;
  /** Fetches a fresh credential (`--auth-command`) when a 401 arrives mid-run: once, until a request succeeds again. */
  refreshKey?: () => string;
}

const MAX_RETRIES = 3;
const UNDO_ATTEMPTS = 4;
const MAX_CONSECUTIVE_5XX = 5;
const MAX_TOTAL_5XX = 50;
const MAX_BODY = 1024 * 1024;

export class ProbeClient {
  requests = 0;
  private readonly pool: Pool;
  private readonly basePath: string;
  private lastSent = 0;
  private consecutive5xx = 0;
  private total5xx = 0;
  private refreshed = false;

  constructor(private readonly base: URL, private readonly options: ClientOptions) {
    this.pool = new Pool(base.origin, { connections: 1, headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs, connectTimeout: options.timeoutMs });
    this.basePath = base.pathname.replace(/\/$/, '');
  }

  get apiKey(): string {
    return this.options.apiKey;
  }

  /** The URL as shown in evidence: base path + path, and the key's query parameter when that is how it travels. */
  url(path: string, credentials: Credentials = { kind: 'own' }): string {
    if (!path.startsWith('/') || path.startsWith('//')) throw new ProbeAbort(`refusing a request line that is not a path on the target: ${path}`);
    const key = this.keyFor(credentials);
    const full = `${this.basePath}${path}`;
    if (key === undefined || this.options.placement.kind !== 'query') return full;
    return `${full}${full.includes('?') ? '&' : '?'}${encodeURIComponent(this.options.placement.name)}=${encodeURIComponent(key)}`;
  }

  /** A Location header as a path under the base URL; undefined when it points at another origin or outside the base. */
  pathOf(location: string): string | undefined {
    let url: URL;
    try {
      url = new URL(location, this.base);
    } catch {
      return undefined;
    }
    if (url.origin !== this.base.origin || !url.pathname.startsWith(this.basePath)) return undefined;
    return url.pathname.slice(this.basePath.length) || '/';
  }

  async send(method: string, path: string, purpose: Purpose, body?: unknown, credentials: Credentials = { kind: 'own' }): Promise<HttpResponse> {
    for (let attempt = 0; ; attempt++) {
      this.checkLimits(purpose);
      await this.pace();
      let response: Awaited<ReturnType<ProbeClient['once']>>;
      try {
        response = await this.once(method, path, credentials, body);
      } catch (error) {
        if (purpose === 'undo' && attempt + 1 < UNDO_ATTEMPTS) {
          await sleep(200 * 2 ** attempt);
          continue;
        }
        throw error;
      }
      const retryable = response.status === 429 || response.status === 503 || (purpose === 'undo' && response.status >= 500);
      if (retryable && attempt < (purpose === 'undo' ? UNDO_ATTEMPTS - 1 : MAX_RETRIES)) {
        await sleep(response.retryAfterMs ?? 200 * 2 ** attempt);
        continue;
      }
      if (response.status === 429 && purpose !== 'undo') {
        throw new ProbeAbort(`stopped: the API still answers 429 (rate limited) after ${MAX_RETRIES} retries; try a lower --rate`, true);
      }
      if (response.status === 401 && credentials.kind === 'own' && this.options.refreshKey && !this.refreshed) {
        this.refreshed = true;
        this.options.apiKey = this.options.refreshKey();
        continue;
      }
      if (ok2xx(response.status) && credentials.kind === 'own') this.refreshed = false;
      this.track5xx(response.status, purpose);
      return { status: response.status, location: response.location, body: response.body, ...(response.tooLarge ? { tooLarge: true } : {}) };
    }
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }

  private checkLimits(purpose: Purpose): void {
    if (purpose === 'undo') return;
    if (this.requests >= this.options.maxRequests) throw new ProbeAbort(`request budget of ${this.options.maxRequests} spent (raise --max-requests)`);
    if (this.options.deadline !== undefined && Date.now() >= this.options.deadline) throw new ProbeAbort('the run reached its --timeout');
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

  private async once(method: string, path: string, credentials: Credentials, body: unknown) {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (credentials.kind === 'own') for (const [name, value] of Object.entries(this.options.headers ?? {})) headers[name.toLowerCase()] = value;
    const key = this.keyFor(credentials);
    if (key !== undefined && this.options.placement.kind === 'header') headers[this.options.placement.name.toLowerCase()] = key;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const url = this.url(path, credentials);
    this.requests++;
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    try {
      const response = await this.pool.request({ path: url, method: method as 'GET', headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
      const read = await readCapped(response.body, this.options.maxBodyBytes ?? MAX_BODY, signal);
      const header = (name: string) => {
        const value = response.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      const retryAfter = Number(header('retry-after'));
      return {
        status: response.statusCode,
        location: header('location'),
        body: read.tooLarge ? undefined : parseBody(read.text),
        tooLarge: read.tooLarge,
        retryAfterMs: Number.isFinite(retryAfter) && retryAfter >= 0 ? Math.min(retryAfter, 5) * 1000 : undefined,
      };
    } catch (error) {
      const code = signal.aborted ? `no complete answer within ${this.options.timeoutMs} ms` : (error as { code?: string }).code ?? (error as Error).message;
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

const ok2xx = (status: number) => status >= 200 && status < 300;

/** Reads a body up to `cap` bytes; past it the rest is dropped (and the connection with it), never buffered. */
async function readCapped(stream: AsyncIterable<Buffer> & { destroy(): void }, cap: number, signal: AbortSignal): Promise<{ text: string; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > cap) {
      stream.destroy();
      return { text: '', tooLarge: true };
    }
    chunks.push(chunk);
    if (signal.aborted) throw new Error('aborted');
  }
  return { text: Buffer.concat(chunks).toString('utf8'), tooLarge: false };
}

function parseBody(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
