// One probe run's shared state and the moves every endpoint probe uses: reading (and remembering every id each
// collection showed), filling URL parameters from the API's own ids, journalled writes, and undoing a write: fields
// put back and verified, or an object deleted only when the answers prove the probe created it.
import type { Exchange, Residue } from './types.js';
import type { Plan } from './plan.js';
import { ProbeAbort, type Credentials, type HttpResponse, type ProbeClient, type Purpose } from './client.js';
import type { Intent, Journal, JournalEntry } from './journal.js';
import { collectionBefore, fillFirst, routeParams } from './routes.js';
import { idOf, listOf, recordOf, type JsonObject } from './records.js';
import { learnCredentials, shown, type Redactor } from './redact.js';
import { sameValue } from './values.js';
import { fieldRole } from './fields.js';

export const ok = (status: number) => status >= 200 && status < 300;

/** What undoing one write found: the object as it was right after the write, and whether all is back. */
export interface Undone {
  restored: boolean;
  exchanges: Exchange[];
  /** The object after the write (re-read before putting it back), or the created object as its collection shows it. */
  after?: JsonObject;
  /** A created object, once proven new: its id and item path. */
  created?: { id: string; itemPath: string };
  /** How the object was re-read, for evidence. */
  reread?: Exchange;
}

export class Session {
  readonly residue: Residue[] = [];
  /** Every id each collection path showed in any read, and the ids the probe itself created. */
  private readonly seenIds = new Map<string, Set<string>>();
  private readonly ownIds = new Set<string>();
  /** The objects each collection path listed in its last read before a write. */
  private readonly lists = new Map<string, JsonObject[]>();
  private requestNumber = 0;

  constructor(
    readonly client: ProbeClient,
    readonly plan: Plan,
    readonly aggressive: boolean,
    readonly marker: string,
    readonly journal: Journal,
    readonly redactor: Redactor,
  ) {}

  get apiKey(): string {
    return this.client.apiKey;
  }

  /** A string no earlier request (of this run or any other) sent: the marker and a counter. */
  fresh(): string {
    return `${this.marker}-${++this.requestNumber}`;
  }

  /** Whether a route may exist: listed in the inventory, or no inventory to say otherwise. */
  mayRead(route: string): boolean {
    return this.plan.reads.size === 0 || this.plan.reads.has(route);
  }

  mayDelete(route: string): boolean {
    return this.plan.deletes.size === 0 || this.plan.deletes.has(route);
  }

  async send(method: string, path: string, purpose: Purpose, body?: unknown, credentials?: Credentials): Promise<{ response: HttpResponse; exchange: Exchange }> {
    const response = await this.client.send(method, path, purpose, body, credentials);
    learnCredentials(this.redactor, response.body, this.marker);
    const own = (credentials ?? { kind: 'own' }).kind === 'own';
    // Only reads made before a write count as "before": reads while undoing may show the probe's own objects.
    if (method === 'GET' && ok(response.status) && own && purpose !== 'undo') {
      this.lists.set(path, listOf(response.body) ?? []);
      const ids = (listOf(response.body) ?? []).map(idOf).filter((id) => id !== undefined).map(String);
      const seen = this.seenIds.get(path) ?? new Set<string>();
      ids.filter((id) => !this.ownIds.has(`${path} ${id}`)).forEach((id) => seen.add(id));
      this.seenIds.set(path, seen);
    }
    const exchange: Exchange = { method, url: this.client.url(path, credentials), ...(body === undefined ? {} : { body }), status: response.status, response: response.body };
    return { response, exchange };
  }

  /** Ids the collection at `path` has shown so far (undefined when it was never read as a list). */
  knownIds(path: string): string[] | undefined {
    const seen = this.seenIds.get(path);
    return seen ? [...seen] : undefined;
  }

  /** A write that may change the target: journalled before it is sent. */
  async write(intent: Intent, purpose: Purpose): Promise<{ seq: number; response?: HttpResponse; exchange?: Exchange; error?: ProbeAbort }> {
    const seq = this.journal.intend(intent);
    try {
      return { seq, ...(await this.send(intent.method, intent.path, purpose, intent.body)) };
    } catch (error) {
      if (!(error instanceof ProbeAbort)) throw error;
      return { seq, error };
    }
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
      if (value === undefined) return { reason: `no id for {${name}}: GET ${collection} answered ${response.status} without the caller's objects${response.status === 404 ? ' (check the base URL and any prefix)' : ''}` };
      path = fillFirst(path, String(value));
    }
    return { path };
  }

  /**
   * Undoes one journalled write. An update: re-read the whole object, write back every property that moved, verify.
   * A create: delete the object only when its id is new (absent from every read of the collection before, present
   * after, and where a Location header agrees); anything else is residue with the exact request that would undo it.
   * An undo that fails after retries stops the run: no value read after it can be trusted as an original.
   */
  async undo(entry: JournalEntry, answer?: HttpResponse): Promise<Undone> {
    const result = entry.before && entry.readPath ? await this.undoUpdate(entry) : entry.collection ? await this.undoCreate(entry, answer) : this.unknownCreate(entry, answer);
    this.journal.settle(entry.seq, result.restored ? 'restored' : 'residue');
    return result;
  }

  private async undoUpdate(entry: JournalEntry): Promise<Undone> {
    const original = entry.before!;
    const readPath = entry.readPath!;
    const exchanges: Exchange[] = [];
    const changed = (now: JsonObject | undefined) => Object.keys(original).filter((k) => !now || !sameValue(now[k], original[k]));
    const readNow = async () => {
      const again = await this.send('GET', readPath, 'undo');
      exchanges.push(again.exchange);
      return { record: ok(again.response.status) ? recordOf(again.response.body, idOf(original)) : undefined, exchange: again.exchange };
    };
    let after: JsonObject | undefined;
    let reread: Exchange | undefined;
    try {
      ({ record: after, exchange: reread } = await readNow());
      exchanges.length = 0;
      this.forgetMovedTimestamps(entry, after);
      let left = changed(after);
      // A value the journal holds redacted (it was one of the caller's credentials) is never written back.
      const redacted = left.filter((k) => JSON.stringify(original[k]).includes('<redacted'));
      left = left.filter((k) => !redacted.includes(k));
      for (const field of redacted) {
        this.residue.push({ method: entry.method, path: entry.path, what: `${field} differs, and its original was one of the caller's credentials, kept out of the journal`, todo: `set ${field} back by hand (journal entry ${entry.seq})` });
      }
      for (let attempt = 0; left.length > 0 && attempt < 2; attempt++) {
        const base = Object.entries(entry.restoreBase ?? {}).filter(([, v]) => !JSON.stringify(v).includes('<redacted'));
        const body = { ...Object.fromEntries(base), ...Object.fromEntries(left.map((k) => [k, original[k]])) };
        const back = await this.send(entry.method, entry.path, 'undo', body);
        exchanges.push(back.exchange);
        left = changed((await readNow()).record);
      }
      if (left.length === 0 && redacted.length === 0) return { restored: true, exchanges, after, reread };
      for (const field of left) {
        const was = shown(field, original[field], this.marker);
        this.residue.push({ method: entry.method, path: entry.path, what: `${field} not restored (was ${was})`, todo: `set it back: ${entry.method} ${entry.path} {"${field}": ${was}} (journal entry ${entry.seq}; --undo replays it)` });
      }
    } catch (error) {
      this.residue.push({ method: entry.method, path: entry.path, what: `${changed(after).join(', ') || 'the object'} may still hold probe values`, todo: `${(error as Error).message}; check GET ${readPath} (journal entry ${entry.seq})` });
    }
    return this.stop({ restored: false, exchanges, after, reread }, `could not put ${entry.path} back`);
  }

  /**
   * Timestamps a write moved (`updated_at`) move on every write and cannot be put back through the API: they are
   * dropped from the original, so restoring compares everything else, and listed once as residue.
   */
  private forgetMovedTimestamps(entry: JournalEntry, after: JsonObject | undefined): void {
    const original = entry.before!;
    for (const key of Object.keys(original)) {
      if (!after || !(key in after) || sameValue(after[key], original[key]) || fieldRole(key) !== 'timestamp') continue;
      this.residue.push({ method: entry.method, path: entry.path, what: `${key} moved from ${JSON.stringify(original[key])}: it changes on every write`, todo: 'nothing to undo unless something relies on it' });
      delete original[key];
    }
  }

  private async undoCreate(entry: JournalEntry, answer: HttpResponse | undefined): Promise<Undone> {
    const collection = entry.collection!;
    const known = new Set([...(entry.knownIds ?? []), ...(this.knownIds(collection) ?? [])]);
    const exchanges: Exchange[] = [];
    const leave = (what: string, todo: string, extra: Partial<Undone> = {}) => {
      this.residue.push({ method: entry.method, path: entry.path, what, todo: `${todo} (journal entry ${entry.seq})` });
      return { restored: false, exchanges, ...extra };
    };
    const record = answer ? recordOf(answer.body) : undefined;
    const answeredId = entry.created?.id ?? idOf(record) ?? idFromLocation(answer?.location, entry.itemRoute);
    if (answer && !ok(answer.status) && answeredId === undefined) return { restored: true, exchanges };
    let list: JsonObject[] | undefined;
    try {
      const read = await this.send('GET', collection, 'undo');
      exchanges.push(read.exchange);
      list = ok(read.response.status) ? listOf(read.response.body) : undefined;
    } catch (error) {
      return this.stop(leave('an object the probe may have created', `${(error as Error).message}; look in GET ${collection}`), 'cannot read the collection');
    }
    const mine = answeredId !== undefined
      ? list?.filter((item) => sameValue(idOf(item), answeredId))
      : list?.filter((item) => idOf(item) !== undefined && !known.has(String(idOf(item))) && entry.marker !== undefined && JSON.stringify(item).includes(entry.marker));
    if (answeredId === undefined && (!mine || mine.length === 0)) {
      if ((answer ? ok(answer.status) : entry.marker === undefined) && !list) return leave('an object the probe may have created', `GET ${collection} shows no list: find it and delete it by hand`);
      const unnamed = entry.marker !== undefined && (list ?? []).some((item) => idOf(item) === undefined && JSON.stringify(item).includes(entry.marker!));
      if (unnamed) return leave(`an object holding the probe's value ${entry.marker}, without an id, in GET ${collection}`, 'find it and delete it by hand');
      const appeared = (list ?? []).map(idOf).filter((v) => v !== undefined && !known.has(String(v)));
      if (entry.marker === undefined && appeared.length > 0) return leave(`objects ${appeared.map(String).join(', ')} appeared in GET ${collection} after the write`, 'check whether they are the probe\'s');
      return { restored: true, exchanges };
    }
    const id = String(answeredId ?? idOf(mine?.[0]));
    const itemPath = entry.itemRoute ? fillFirst(entry.itemRoute, id) : await this.siblingPath(entry, id, mine?.[0], exchanges);
    // An object that left its list (a foreign key moved it) may still show on its item route.
    const target = mine?.[0] ?? (itemPath ? await this.readItem(itemPath, id, exchanges) : undefined);
    const reread = exchanges[exchanges.length - 1];
    const undoText = itemPath ? `DELETE ${itemPath} if it is the probe's` : 'delete it by hand';
    if (known.has(id) && !entry.created) return this.stop(leave(`object ${id} answered the write but existed before it: not deleted; it may hold the write's values`, `compare it with GET ${collection}`, { after: target, reread }), `the write changed object ${id}, which existed before`);
    if (!target && entry.created) return { restored: true, exchanges };
    // A recorded create replayed later: an object at that id without the probe's value is someone else's (ids are reused).
    if (entry.created && !answer && entry.marker !== undefined && target && !JSON.stringify(target).includes(entry.marker)) return { restored: true, exchanges };
    if (!target) return leave(`object ${id} the write answered with is not in GET ${collection}`, undoText);
    const locationPath = answer?.location ? this.client.pathOf(answer.location) : undefined;
    if (answer?.location && locationPath !== itemPath) return leave(`object ${id}: its Location ${answer.location} is not its item path`, undoText, { after: target, reread });
    if (entry.knownIds === undefined && !entry.created) return leave(`object ${id}: GET ${collection} was not read before the write, so it may not be new`, undoText, { after: target, reread });
    if (!itemPath) return leave(`object ${id} created by the probe`, `no DELETE route is known for it: delete it by hand`, { after: target, reread });
    this.ownIds.add(`${collection} ${id}`);
    this.journal.created(entry.seq, { id, itemPath, deletePath: itemPath });
    const created = { id, itemPath };
    try {
      const deleted = await this.send('DELETE', itemPath, 'undo');
      exchanges.push(deleted.exchange);
      const again = await this.send('GET', collection, 'undo');
      exchanges.push(again.exchange);
      const gone = ok(again.response.status) && !(listOf(again.response.body) ?? []).some((item) => sameValue(idOf(item), id)) &&
        (mine?.length || (await this.readItem(itemPath, id, exchanges)) === undefined);
      if (gone) return { restored: true, exchanges, after: target, created, reread };
      return this.stop(leave(`object ${id} created by the probe is still there (DELETE answered ${deleted.response.status})`, `DELETE ${itemPath}`, { after: target, created, reread }), `could not delete object ${id}`);
    } catch (error) {
      return this.stop(leave(`object ${id} created by the probe`, `${(error as Error).message}; DELETE ${itemPath}`, { after: target, created, reread }), `could not delete object ${id}`);
    }
  }

  /**
   * A DELETE route elsewhere (`/invitations/{id}` for `POST /invites`) whose item read shows the same object: the
   * same id, and the marker only the probe's request sent (or, without one, every property the list showed).
   */
  private async siblingPath(entry: JournalEntry, id: string, listed: JsonObject | undefined, exchanges: Exchange[]): Promise<string | undefined> {
    for (const route of entry.siblings ?? []) {
      const path = fillFirst(route, id);
      const record = await this.readItem(path, id, exchanges);
      if (!record) continue;
      const same = entry.marker !== undefined ? JSON.stringify(record).includes(entry.marker) : listed !== undefined && Object.keys(listed).every((k) => !(k in record) || sameValue(record[k], listed[k]));
      if (same) return path;
    }
    return undefined;
  }

  /** The object at an item path, when it answers with that id. */
  private async readItem(itemPath: string, id: string, exchanges: Exchange[]): Promise<JsonObject | undefined> {
    const { response, exchange } = await this.send('GET', itemPath, 'undo');
    exchanges.push(exchange);
    return ok(response.status) ? recordOf(response.body, id) : undefined;
  }

  /** A value of `field` the caller already sees on another listed object, unlike `current` (safe to set, then restore). */
  valueSeenElsewhere(field: string, current: unknown): unknown {
    for (const list of this.lists.values()) {
      const value = list.map((item) => item[field]).find((v) => (typeof v === 'number' || typeof v === 'string') && !sameValue(v, current));
      if (value !== undefined) return value;
    }
    return undefined;
  }

  /** An id of another object the caller sees for a foreign key (`team_id` → an id `GET …/teams` listed), if any. */
  otherId(field: string, current: unknown): string | undefined {
    const stem = field.replace(/_?(id|Id)$/, '').toLowerCase();
    if (!stem) return undefined;
    for (const [path, ids] of this.seenIds) {
      const last = path.replace(/\/$/, '').split('/').pop()?.toLowerCase() ?? '';
      if (last !== stem && last !== `${stem}s` && last !== `${stem}es`) continue;
      const other = [...ids].find((id) => !sameValue(id, current));
      if (other !== undefined) return other;
    }
    return undefined;
  }

  /** A write to something the probe could neither read before nor list: whatever it made is named, never deleted. */
  private unknownCreate(entry: JournalEntry, answer: HttpResponse | undefined): Undone {
    if (answer && !ok(answer.status)) return { restored: true, exchanges: [] };
    const id = idOf(recordOf(answer?.body));
    const what = id === undefined ? 'the write may have created or changed an object' : `the write may have created object ${JSON.stringify(id)}`;
    this.residue.push({ method: entry.method, path: entry.path, what, todo: `check whether ${id === undefined ? 'anything' : JSON.stringify(id)} is new, and delete it if so (journal entry ${entry.seq})` });
    return { restored: false, exchanges: [] };
  }

  /** Stops the run after a failed undo, once the residue is recorded (the journal entry stays open for --undo). */
  private stop(_residue: unknown, why: string): never {
    throw new ProbeAbort(`stopped probing: ${why}; what is left is listed under NOT RESTORED`);
  }
}

function idFromLocation(location: string | undefined, itemRoute: string | undefined): string | undefined {
  if (!location || !itemRoute) return undefined;
  const last = new URL(location, 'http://x').pathname.split('/').filter(Boolean).pop();
  return last && routeParams(itemRoute).length === 1 ? decodeURIComponent(last) : undefined;
}
