// Probing one write endpoint: read the object (or its collection), send a control request, then one property per
// request; every write is journalled first, re-read whole, and undone (moved properties written back, objects the
// probe provably created deleted) before the next.
import { randomUUID } from 'node:crypto';
import type { Evidence, Exchange, FieldStatus } from './types.js';
import type { Candidate, PlannedWrite } from './plan.js';
import { DICTIONARY, fieldRole, looksSensitive, whyNotProbed } from './fields.js';
import { idOf, listOf, recordOf, type JsonObject } from './records.js';
import { isCredentialName, shown } from './redact.js';
import { itemRouteOf, routeParams } from './routes.js';
import type { Intent } from './journal.js';
import type { HttpResponse } from './client.js';
import { ok, type Session } from './session.js';
import { probeValue, sameValue } from './values.js';

export interface EndpointResult {
  write: PlannedWrite;
  path: string;
  evidence: Evidence[];
  /** Why the endpoint was not probed at all. */
  skipped?: string;
  /** The run got to this endpoint (a run cut short leaves the rest unreached). */
  reached?: boolean;
}

/** How the writes to one endpoint are undone: an existing object's fields, or objects created in a collection. */
type Target = { kind: 'update'; readPath: string; original: JsonObject } | { kind: 'create'; collection: string; itemTemplate?: string; siblings: string[] };

interface Control {
  body: JsonObject;
  record?: JsonObject;
}

/** Probes `result.write`, adding to `result` as it goes, so a run cut short keeps what it learned. */
export async function probeEndpoint(s: Session, result: EndpointResult): Promise<void> {
  const { write } = result;
  result.reached = true;
  const skip = (reason: string) => {
    result.skipped = reason;
  };
  const filled = await s.fillParams(write.route);
  if ('reason' in filled) return skip(filled.reason);
  const path = filled.path;
  result.path = path;
  const readPath = s.mayRead(write.route) ? path : undefined;
  const before = readPath ? await s.send('GET', readPath, 'check') : undefined;
  const beforeOk = before !== undefined && ok(before.response.status);
  const listed = beforeOk ? listOf(before.response.body) : undefined;
  const original = beforeOk && !(listed && idOf(recordOf(before.response.body)) === undefined) ? recordOf(before.response.body) : undefined;
  let target: Target | undefined;
  let sample = original ?? listed?.[0];
  if (original && readPath) target = { kind: 'update', readPath, original };
  else if (write.method === 'POST' && listed && readPath) target = createTarget(s, write.route, path);
  else if (write.method === 'POST') {
    // `POST /users/register` creates into the list one level up (`GET /users`), when that route is known.
    const parentRoute = write.route.replace(/\/[^/{}]+\/?$/, '');
    const parentPath = path.replace(/\/[^/{}]+\/?$/, '');
    if (parentRoute && parentRoute !== write.route && !parentRoute.endsWith('}') && s.plan.reads.has(parentRoute)) {
      const parent = await s.send('GET', parentPath, 'check');
      const list = ok(parent.response.status) ? listOf(parent.response.body) : undefined;
      if (list) {
        target = createTarget(s, parentRoute, parentPath);
        sample = list[0];
      }
    }
  }
  if (!target) {
    const status = before ? `GET ${readPath} answered ${before.response.status}${hint(before.response)}` : 'no read route is known for it';
    return skip(write.method === 'POST'
      ? `${status}: without a read of the object or a list of its collection, nothing it writes could be checked or proven new, so nothing is sent`
      : `${status}: without a read of the object, no request is sent to it`);
  }
  const control = await sendControl(s, write, path, target, sample);
  if ('refused' in control) return skip(control.refused);
  for (const candidate of candidates(write, target.kind === 'update' ? target.original : { ...sample, ...control.record })) {
    const seenElsewhere = target.kind === 'update' && fieldRole(candidate.field, write.modelFields.get(candidate.field)) === 'foreign-key'
      && s.valueSeenElsewhere(candidate.field, target.original[candidate.field]) !== undefined;
    const reason = seenElsewhere ? undefined : whyNotProbed(candidate.field, target.kind === 'create', s.aggressive, write.modelFields.get(candidate.field));
    if (reason) {
      result.evidence.push({ field: candidate.field, status: 'not probed', reason, restored: true });
      continue;
    }
    // A property the object does not show can be neither confirmed nor restored: left alone, and not reported.
    if (target.kind === 'update' && !(candidate.field in target.original)) continue;
    const evidence = await probeField(s, write, path, target, control, candidate);
    result.evidence.push(evidence);
    if (!evidence.restored) return;
  }
}

/** Creates into the collection at `path` (route `route`): deleted through its item route, or a sibling DELETE route. */
function createTarget(s: Session, route: string, path: string): Target {
  const itemRoute = itemRouteOf(route, s.plan.deletes.size > 0 ? s.plan.deletes : s.plan.reads);
  const deletable = itemRoute !== undefined ? s.mayDelete(itemRoute) : s.plan.deletes.size === 0;
  const siblings = itemRoute === undefined ? [...s.plan.deletes].filter((r) => routeParams(r).length === 1 && s.mayRead(r)) : [];
  const itemTemplate = deletable && (itemRoute !== undefined || s.plan.deletes.size === 0) ? `${path.replace(/\/$/, '')}/{id}` : undefined;
  return { kind: 'create', collection: path, itemTemplate, siblings };
}

/** What a status says beyond its number: a likely wrong prefix, where a redirect pointed, a likely unique conflict. */
function hint(response: HttpResponse, created = false): string {
  if (response.status === 404) return ' (check the base URL and any prefix the routes are mounted under)';
  if (response.status >= 300 && response.status < 400) return ` (a redirect to ${response.location ?? 'nowhere'}, not followed)`;
  if (response.status === 429) return ' (rate limited, still after retries)';
  if (created && (response.status === 409 || response.status === 500)) return ' (likely a unique value that already exists)';
  if (response.tooLarge) return ' (the answer passed the size cap and was not read)';
  return '';
}

/** Properties only the server sets: never copied from a read into a body. */
function serverOnly(key: string, write: PlannedWrite): boolean {
  return key.startsWith('_') || fieldRole(key, write.modelFields.get(key)) !== 'plain' || write.modelFields.get(key)?.contract?.owner === 'server';
}

/** Fresh values for a create: a suffix unique to the request on every string, e-mails kept valid. */
function freshen(body: JsonObject, suffix: string): JsonObject {
  return Object.fromEntries(Object.entries(body).map(([k, v]) => {
    if (typeof v !== 'string' || /^\d{4}-\d\d-\d\d/.test(v)) return [k, v];
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(v)) return [k, randomUUID()];
    const at = v.indexOf('@');
    return [k, at > 0 ? `${v.slice(0, at)}.${suffix}${v.slice(at)}` : `${v}-${suffix}`];
  }));
}

/**
 * The control: for an existing object its current values as read (only the plain properties a client sends: a true
 * no-op), for a create the required properties with fresh values. Either way, undone and verified before probing.
 */
async function sendControl(s: Session, write: PlannedWrite, path: string, target: Target, sample: JsonObject | undefined): Promise<Control | { refused: string }> {
  const accepted = (k: string, v: unknown) =>
    (write.accepts.size === 0 || write.accepts.has(k)) && !serverOnly(k, write) && !looksSensitive(k) && !isCredentialName(k) && write.modelFields.get(k)?.sensitive === undefined &&
    !write.candidates.some((c) => c.field === k) && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean');
  const plain = Object.fromEntries(Object.entries(sample ?? {}).filter(([k, v]) => accepted(k, v)));
  const bodies = target.kind === 'update'
    ? [plain]
    : [{ ...plain, ...write.required }, { ...write.required }].filter((b, i, all) => i === 0 || JSON.stringify(b) !== JSON.stringify(all[0]));
  let refusal = '';
  for (const base of bodies) {
    const body = target.kind === 'update' ? base : freshen(base, s.fresh());
    let sent: Awaited<ReturnType<typeof journalled>>;
    try {
      sent = await journalled(s, write, path, target, body, 'check', body);
    } catch (error) {
      if (error instanceof UndoneNot) return { refused: `the control request ${error.message}, so nothing more is sent` };
      throw error;
    }
    const { answer, record } = sent;
    if (ok(answer.status)) return { body: target.kind === 'update' ? body : base, record };
    refusal = `the control request was refused with ${answer.status}${hint(answer, target.kind === 'create')}`;
    if (hint(answer, target.kind === 'create')) return { refused: refusal };
  }
  return { refused: `${refusal}: the write needs a body the probe could not build (seed one with --body '${write.method} ${write.route} {...}')` };
}

/** Sends one write, journalled, then undoes it; returns the answer and the object as re-read right after it. */
async function journalled(s: Session, write: PlannedWrite, path: string, target: Target, body: JsonObject, purpose: 'check' | 'probe', restoreBase: JsonObject) {
  const marker = Object.values(body).find((v): v is string => typeof v === 'string' && v.includes(s.marker));
  const intent: Intent = target.kind === 'update'
    ? { method: write.method, path, body, readPath: target.readPath, before: target.original, restoreBase }
    : { method: write.method, path, body, collection: target.collection, knownIds: s.knownIds(target.collection), itemRoute: target.itemTemplate, ...(target.siblings.length > 0 ? { siblings: target.siblings } : {}), ...(marker ? { marker } : {}) };
  const sent = await s.write(intent, purpose);
  const undone = await s.undo({ seq: sent.seq, ...intent }, sent.response);
  if (sent.error) throw sent.error;
  const answer = sent.response!;
  if (ok(answer.status) && target.kind === 'create' && !undone.restored) {
    throw new UndoneNot(`left object ${undone.created?.id ?? JSON.stringify(idOf(recordOf(answer.body)))} it may have created (see NOT RESTORED)`);
  }
  return { answer, exchange: sent.exchange!, record: undone.after, reread: undone.reread, restore: undone.exchanges, restored: undone.restored };
}

/** A write whose effect the probe could not undo: the endpoint gets no further requests. */
class UndoneNot extends Error {}

/**
 * The properties to try, best source first: the static findings' fields, OpenAPI's, the sensitive keys the object
 * shows, and, only when it shows nothing but an id, the built-in dictionary (a property the API never shows can
 * never be confirmed, so guessing it only costs requests).
 */
function candidates(write: PlannedWrite, shownRecord: JsonObject | undefined): Candidate[] {
  const seen = new Set(write.candidates.map((c) => c.field));
  const more: Candidate[] = [];
  const add = (field: string, source: Candidate['source']) => {
    if (!seen.has(field)) more.push({ field, source });
    seen.add(field);
  };
  const keys = Object.keys(shownRecord ?? {});
  keys
    .filter((k) => fieldRole(k, write.modelFields.get(k)) !== 'primary-key' && (write.modelFields.get(k)?.sensitive !== undefined || looksSensitive(k)))
    .forEach((f) => add(f, 'read'));
  if (!write.staticEvidence && keys.filter((k) => fieldRole(k) !== 'primary-key').length === 0) DICTIONARY.forEach((f) => add(f, 'dictionary'));
  return [...write.candidates, ...more];
}

function verdict(candidate: Candidate, persisted: boolean, reflected: boolean, answer: HttpResponse, how: string, created: boolean): { status: FieldStatus; reason: string } {
  if (persisted) return { status: 'confirmed', reason: how };
  if (reflected) return { status: 'reflected', reason: `answered ${answer.status} with the value, but ${how}` };
  const refusal = ok(answer.status) ? `accepted with ${answer.status} but not stored` : `refused with ${answer.status}${hint(answer, created)}`;
  return candidate.source === 'static' ? { status: 'suspected', reason: `static finding; the API ${refusal}` } : { status: 'not confirmed', reason: refusal };
}

async function probeField(s: Session, write: PlannedWrite, path: string, target: Target, control: Control, candidate: Candidate): Promise<Evidence> {
  const field = candidate.field;
  const baseline = target.kind === 'update' ? target.original[field] : control.record?.[field];
  // A foreign key gets the id of another object the caller already sees, so the write stays valid and visible.
  const other = fieldRole(field, write.modelFields.get(field)) !== 'foreign-key' ? undefined
    : target.kind === 'update' ? s.valueSeenElsewhere(field, baseline) ?? s.otherId(field, baseline) : s.otherId(field, baseline);
  const value = other === undefined ? probeValue(field, baseline, s.fresh()) : typeof baseline !== 'string' && /^\d+$/.test(String(other)) ? Number(other) : other;
  const body = { ...(target.kind === 'update' ? control.body : freshen(control.body, s.fresh())), [field]: value };
  const evidence: Evidence = { field, status: 'not confirmed', reason: '', value, ...(baseline === undefined ? {} : { original: baseline }), request: { method: write.method, url: s.client.url(path), body }, restored: false };
  try {
    const sent = await journalled(s, write, path, target, body, 'probe', control.body);
    Object.assign(evidence, split(sent.exchange), { reread: sent.reread, restore: sent.restore, restored: sent.restored });
    const reflected = sameValue(recordOf(sent.answer.body)?.[field], value);
    const persisted = ok(sent.answer.status) && sameValue(sent.record?.[field], value);
    const where = `GET ${target.kind === 'update' ? target.readPath : sent.reread?.url.split('?')[0] ?? target.collection}`;
    const how = persisted
      ? `${where} shows ${field} = ${shown(field, value, s.marker)}${baseline === undefined ? '' : ` (was ${shown(field, baseline, s.marker)})`}`
      : `${where} ${target.kind === 'update' ? 'still ' : ''}shows ${shown(field, sent.record?.[field], s.marker)}`;
    return { ...evidence, ...verdict(candidate, persisted, reflected, sent.answer, how, target.kind === 'create') };
  } catch (error) {
    if (error instanceof UndoneNot) return { ...evidence, reason: `the probe ${error.message}`, restored: false };
    throw error;
  }
}

function split(exchange: Exchange): Pick<Evidence, 'request' | 'response'> {
  const { method, url, body, status, response } = exchange;
  return { request: { method, url, ...(body === undefined ? {} : { body }) }, response: { status, ...(response === undefined ? {} : { body: response }) } };
}
