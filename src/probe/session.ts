// One probe run's shared state and the moves every endpoint probe uses: reading, filling URL parameters from the
// API's own ids, finding a GET that needs the key, putting changed fields back and deleting what it created.
import type { Exchange, Residue } from './types.js';
import type { Plan } from './plan.js';
import type { Credentials, HttpResponse, ProbeClient, Purpose } from './client.js';
import { collectionBefore, fillFirst, routeParams } from './routes.js';
import { idOf, listOf, recordOf, type JsonObject } from './records.js';
import { sameValue } from './values.js';

export const ok = (status: number) => status >= 200 && status < 300;

/** How a created object can be seen again: its item route, its collection, or (for an issued key) by using it. */
export type SeeAgain = { kind: 'item' } | { kind: 'list' } | { kind: 'credential'; authPath: string } | { kind: 'none' };

export class Session {
  readonly residue: Residue[] = [];
  /** Concrete GET paths that answered 2xx with the user's key, for finding one that needs it. */
  private readonly readable: string[] = [];
  private authPath: string | null | undefined;

  constructor(
    readonly client: ProbeClient,
    readonly plan: Plan,
    readonly apiKey: string,
    readonly aggressive: boolean,
    readonly marker: string,
  ) {}

  /** Whether a route may exist: listed in the inventory, or no inventory to say otherwise. */
  mayRead(route: string): boolean {
    return this.plan.reads.size === 0 || this.plan.reads.has(route);
  }

  mayDelete(route: string): boolean {
    return this.plan.deletes.size === 0 || this.plan.deletes.has(route);
  }

  async send(method: string, path: string, purpose: Purpose, body?: unknown, credentials?: Credentials): Promise<{ response: HttpResponse; exchange: Exchange }> {
    const response = await this.client.send(method, path, purpose, body, credentials);
    if (method === 'GET' && ok(response.status) && (credentials ?? { kind: 'own' }).kind === 'own') this.readable.push(path);
    const exchange: Exchange = { method, url: this.client.url(path, credentials), ...(body === undefined ? {} : { body }), status: response.status, response: response.body };
    return { response, exchange };
  }

  /** The route with every parameter filled from ids the API lists for the caller, or why it cannot be. */
  async fillParams(route: string): Promise<{ path: string } | { reason: string }> {
    let path = route;
    for (let name = routeParams(path)[0]; name !== undefined; name = routeParams(path)[0]) {
      const collection = collectionBefore(path);
      const { response } = await this.send('GET', collection, 'check');
      const value = (ok(response.status) ? listOf(response.body) : undefined)
        ?.map((item) => item[name] ?? idOf(item))
        .find((v) => typeof v === 'string' || typeof v === 'number');
      if (value === undefined) return { reason: `no id for {${name}}: GET ${collection} answered ${response.status} without the caller's objects` };
      path = fillFirst(path, String(value));
    }
    return { path };
  }

  /** A GET that answers 2xx with the user's key and 401/403 without: proof that a key is accepted. */
  async findAuthPath(): Promise<string | undefined> {
    if (this.authPath !== undefined) return this.authPath ?? undefined;
    const tried = new Set<string>();
    const staticReads = [...this.plan.reads].filter((r) => routeParams(r).length === 0);
    for (const path of [...this.readable, ...staticReads]) {
      if (tried.has(path)) continue;
      tried.add(path);
      if (!this.readable.includes(path) && !ok((await this.send('GET', path, 'check')).response.status)) continue;
      const anonymous = await this.send('GET', path, 'check', undefined, { kind: 'none' });
      if (anonymous.response.status === 401 || anonymous.response.status === 403) {
        this.authPath = path;
        return path;
      }
    }
    this.authPath = null;
    return undefined;
  }

  /** Reads a created object again the way `how` says; the object (or, for a key, a stand-in record) or undefined. */
  async seeAgain(how: SeeAgain, itemPath: string, collectionPath: string, id: unknown, credential?: string): Promise<{ found: boolean; record?: JsonObject; exchange?: Exchange }> {
    if (how.kind === 'none') return { found: false };
    if (how.kind === 'credential') {
      const { response, exchange } = await this.send('GET', how.authPath, 'undo', undefined, { kind: 'key', key: credential ?? '' });
      return { found: ok(response.status), exchange };
    }
    const { response, exchange } = await this.send('GET', how.kind === 'item' ? itemPath : collectionPath, 'undo');
    const record = ok(response.status) ? recordOf(response.body, id) : undefined;
    return { found: record !== undefined, record, exchange };
  }

  /** Deletes an object the probe created and checks it is gone; records residue when it is not. */
  async undoCreate(method: string, itemRoute: string, itemPath: string, collectionPath: string, id: unknown, how: SeeAgain, credential?: string): Promise<{ restored: boolean; exchanges: Exchange[] }> {
    const exchanges: Exchange[] = [];
    const leave = (what: string, todo: string) => {
      this.residue.push({ method, path: itemPath, what, todo });
      return { restored: false, exchanges };
    };
    if (!this.mayDelete(itemRoute)) return leave(`object ${String(id)} created by the probe`, `no DELETE route for ${itemRoute}: delete it by hand`);
    try {
      const deleted = await this.send('DELETE', itemPath, 'undo');
      exchanges.push(deleted.exchange);
      if (!ok(deleted.response.status)) return leave(`object ${String(id)} created by the probe`, `DELETE ${itemPath} answered ${deleted.response.status}: delete it by hand`);
      if (how.kind === 'none') return leave(`object ${String(id)} deleted (DELETE answered ${deleted.response.status}) but no read route to verify`, `check that ${itemPath} is gone`);
      const again = await this.seeAgain(how, itemPath, collectionPath, id, credential);
      if (again.exchange) exchanges.push(again.exchange);
      return again.found ? leave(`object ${String(id)} still there after DELETE`, `delete ${itemPath} by hand`) : { restored: true, exchanges };
    } catch (error) {
      return leave(`object ${String(id)} created by the probe`, `${(error as Error).message}; DELETE ${itemPath} by hand`);
    }
  }

  /**
   * Puts an updated object back: compares the re-read with the original, writes the changed fields' original values
   * through the same endpoint, and re-reads to verify. Residue for anything still different.
   */
  async restoreUpdate(method: string, path: string, readPath: string, baseBody: JsonObject, original: JsonObject, current: JsonObject | undefined): Promise<{ restored: boolean; exchanges: Exchange[] }> {
    const exchanges: Exchange[] = [];
    const changed = (now: JsonObject | undefined) => Object.keys(original).filter((k) => !now || !sameValue(now[k], original[k]));
    let left = changed(current);
    if (left.length === 0) return { restored: true, exchanges };
    try {
      const back = await this.send(method, path, 'undo', { ...baseBody, ...Object.fromEntries(left.map((k) => [k, original[k]])) });
      exchanges.push(back.exchange);
      const reread = await this.send('GET', readPath, 'undo');
      exchanges.push(reread.exchange);
      left = changed(ok(reread.response.status) ? recordOf(reread.response.body, idOf(original)) : undefined);
    } catch (error) {
      this.residue.push({ method, path, what: `${left.join(', ')} may still hold probe values`, todo: `${(error as Error).message}; check GET ${readPath}` });
      return { restored: false, exchanges };
    }
    for (const field of left) {
      this.residue.push({ method, path, what: `${field} not restored`, todo: `set it back: ${method} ${path} ${JSON.stringify({ [field]: original[field] })}` });
    }
    return { restored: left.length === 0, exchanges };
  }
}
