// Probing one write endpoint: read the object, send a control request, then one property per request, each
// re-read to tell persisted from echoed, and each undone (fields written back, created objects deleted).
import type { Evidence, Exchange, FieldStatus } from './types.js';
import type { Candidate, PlannedWrite } from './plan.js';
import { DICTIONARY, fieldRole, looksSensitive, whyNotProbed } from './fields.js';
import { credentialOf, idOf, listOf, recordOf, type JsonObject } from './records.js';
import { itemRouteOf } from './routes.js';
import { ok, type SeeAgain, type Session } from './session.js';
import { probeValue, sameValue } from './values.js';

export interface EndpointResult {
  write: PlannedWrite;
  path: string;
  evidence: Evidence[];
  /** Why the endpoint was not probed at all. */
  skipped?: string;
}

interface Control {
  body: JsonObject;
  exchange: Exchange;
  location?: string;
  record: JsonObject | undefined;
}

/** What the control request created, and how to see and delete such objects. */
interface Creation {
  itemRoute: string;
  how: SeeAgain;
}

/** Probes `result.write`, adding to `result` as it goes, so a run cut short keeps what it learned. */
export async function probeEndpoint(s: Session, result: EndpointResult): Promise<void> {
  const { write } = result;
  const filled = await s.fillParams(write.route);
  if ('reason' in filled) {
    result.skipped = filled.reason;
    return;
  }
  const path = filled.path;
  result.path = path;
  const skip = (reason: string) => {
    result.skipped = reason;
  };
  const readPath = s.mayRead(write.route) ? path : undefined;
  const before = readPath ? await s.send('GET', readPath, 'check') : undefined;
  const beforeOk = before !== undefined && ok(before.response.status);
  const original = beforeOk ? recordOf(before.response.body) : undefined;
  const sample = original ?? (beforeOk ? listOf(before.response.body)?.[0] : undefined);

  const control = await sendControl(s, write, path, sample);
  if ('refused' in control) return skip(`control request refused (${control.refused}): the write needs a body the probe could not build`);
  const created = isCreation(write.method, control, original, beforeOk ? listOf(before.response.body) : undefined);
  if (created === undefined) {
    const id = JSON.stringify(idOf(control.record));
    s.residue.push({ method: write.method, path, what: `the control request may have created object ${id}`, todo: `check whether ${id} is new, and delete it if so` });
    return skip(`answered ${control.exchange.status} with id ${id}, and no read tells whether that object is new (a 201, a Location header or a list route would)`);
  }
  let creation: Creation | undefined;
  let shown = original;
  if (created) {
    const id = idOf(control.record);
    const itemPath = locationPath(control.location, s) ?? (id === undefined ? undefined : `${path}/${String(id)}`);
    if (itemPath === undefined) {
      s.residue.push({ method: write.method, path, what: 'an object created by the control request, without an id', todo: `find it and delete it by hand` });
      return skip('the write creates objects the probe cannot identify, so it cannot undo them');
    }
    const itemRoute = itemRouteOf(write.route, [...s.plan.reads, ...s.plan.deletes]) ?? `${write.route}/{id}`;
    const seen = await howToSeeAgain(s, itemRoute, itemPath, path, id, credentialOf(control.record, s.apiKey));
    creation = { itemRoute, how: seen.how };
    shown = { ...seen.record, ...control.record };
    const undone = await s.undoCreate(write.method, itemRoute, itemPath, path, id, creation.how, credentialOf(control.record, s.apiKey));
    if (!undone.restored) return skip('the object the control request created could not be deleted, or its deletion verified (see residue), so no more are created');
  } else if (original && readPath) {
    const after = recordOf((await s.send('GET', readPath, 'check')).response.body, idOf(original));
    forgetMovedTimestamps(s, write, path, original, after);
    const restored = await s.restoreUpdate(write.method, path, readPath, control.body, original, after);
    if (!restored.restored) return skip('the control request changed the object and it could not be put back');
  }
  for (const candidate of candidates(write, shown)) {
    const reason = whyNotProbed(candidate.field, created, s.aggressive, write.modelFields.get(candidate.field));
    if (reason) {
      result.evidence.push({ field: candidate.field, status: 'not probed', reason, restored: true });
      continue;
    }
    if (!created && (!original || !readPath || !(candidate.field in original))) {
      if (candidate.source === 'static' || candidate.source === 'openapi') {
        const where = readPath ? `GET ${readPath} does not show it` : 'no read endpoint';
        result.evidence.push({ field: candidate.field, status: 'not probed', reason: `${where}: cannot confirm or restore`, restored: true });
      }
      continue;
    }
    const evidence = creation
      ? await probeCreate(s, write, path, control, creation, candidate)
      : await probeUpdate(s, write, path, readPath!, control, original!, candidate);
    result.evidence.push(evidence);
    if (!evidence.restored) break;
  }
}

/**
 * Timestamps a no-op write moved (`updated_at`) move on every write and cannot be put back through the API: they are
 * dropped from `original`, so restoring compares everything else, and listed once as residue.
 */
function forgetMovedTimestamps(s: Session, write: PlannedWrite, path: string, original: JsonObject, after: JsonObject | undefined): void {
  for (const key of Object.keys(original)) {
    if (!after || sameValue(after[key], original[key]) || fieldRole(key, write.modelFields.get(key)) !== 'timestamp') continue;
    s.residue.push({ method: write.method, path, what: `${key} moved from ${JSON.stringify(original[key])}: it changes on every write`, todo: 'nothing to undo unless something relies on it' });
    delete original[key];
  }
}

/** A body without any candidate: the sample's plain fields at their current values (a no-op write), else the bare minimum. */
async function sendControl(s: Session, write: PlannedWrite, path: string, sample: JsonObject | undefined): Promise<Control | { refused: number }> {
  const ordinary = (k: string) => !looksSensitive(k) && write.modelFields.get(k)?.sensitive === undefined && !write.candidates.some((c) => c.field === k);
  const plain = Object.fromEntries(
    Object.entries(sample ?? {}).filter(([k, v]) => ordinary(k) && fieldRole(k, write.modelFields.get(k)) === 'plain' && (typeof v === 'string' || typeof v === 'number')),
  );
  const bodies = [{ ...write.required, ...plain }, { ...write.required }].filter((b, i, all) => i === 0 || JSON.stringify(b) !== JSON.stringify(all[0]));
  let status = 0;
  for (const body of bodies) {
    const { response, exchange } = await s.send(write.method, path, 'check', body);
    if (ok(response.status)) return { body, exchange, location: response.location, record: recordOf(response.body) };
    status = response.status;
  }
  return { refused: status };
}

/** Whether the control request created an object: true, false, or undefined when nothing tells. */
function isCreation(method: string, control: Control, original: JsonObject | undefined, listed: JsonObject[] | undefined): boolean | undefined {
  if (method !== 'POST') return false;
  if (control.exchange.status === 201 || control.location) return true;
  const id = idOf(control.record);
  if (id === undefined) return false;
  if (original) return !sameValue(idOf(original), id);
  if (listed) return !listed.some((item) => sameValue(idOf(item), id));
  return undefined;
}

function locationPath(location: string | undefined, s: Session): string | undefined {
  if (!location) return undefined;
  const base = new URL(s.client.url('/'), 'http://x').pathname.replace(/\/$/, '');
  const pathname = new URL(location, 'http://x').pathname;
  return pathname.startsWith(base) ? pathname.slice(base.length) : pathname;
}

async function howToSeeAgain(s: Session, itemRoute: string, itemPath: string, collectionPath: string, id: unknown, credential: string | undefined): Promise<{ how: SeeAgain; record?: JsonObject }> {
  for (const how of [{ kind: 'item' }, { kind: 'list' }] as const) {
    if (!s.mayRead(how.kind === 'item' ? itemRoute : collectionPath)) continue;
    const again = await s.seeAgain(how, itemPath, collectionPath, id);
    if (again.found) return { how, record: again.record };
  }
  const authPath = credential === undefined ? undefined : await s.findAuthPath();
  if (authPath && (await s.seeAgain({ kind: 'credential', authPath }, itemPath, collectionPath, id, credential)).found) return { how: { kind: 'credential', authPath } };
  return { how: { kind: 'none' } };
}

/**
 * The properties to try, best source first: the static findings' fields, OpenAPI's, the sensitive keys the object
 * shows, and, only when it shows nothing but an id, the built-in dictionary (a property the API never shows can
 * never be confirmed, so guessing it only costs requests).
 */
function candidates(write: PlannedWrite, shown: JsonObject | undefined): Candidate[] {
  const seen = new Set(write.candidates.map((c) => c.field));
  const more: Candidate[] = [];
  const add = (field: string, source: Candidate['source']) => {
    if (!seen.has(field)) more.push({ field, source });
    seen.add(field);
  };
  const keys = Object.keys(shown ?? {});
  keys
    .filter((k) => fieldRole(k, write.modelFields.get(k)) !== 'primary-key' && (write.modelFields.get(k)?.sensitive !== undefined || looksSensitive(k)))
    .forEach((f) => add(f, 'read'));
  if (!write.staticEvidence && keys.filter((k) => fieldRole(k) !== 'primary-key').length === 0) DICTIONARY.forEach((f) => add(f, 'dictionary'));
  return [...write.candidates, ...more];
}

function verdict(candidate: Candidate, persisted: boolean, reflected: boolean, status: number, how: string): { status: FieldStatus; reason: string } {
  if (persisted) return { status: 'confirmed', reason: how };
  if (reflected) return { status: 'reflected', reason: `answered ${status} with the value, but ${how}` };
  const refusal = ok(status) ? `accepted with ${status} but not stored` : `refused with ${status}`;
  return candidate.source === 'static' ? { status: 'suspected', reason: `static finding; the API ${refusal}` } : { status: 'not confirmed', reason: refusal };
}

async function probeUpdate(s: Session, write: PlannedWrite, path: string, readPath: string, control: Control, original: JsonObject, candidate: Candidate): Promise<Evidence> {
  const field = candidate.field;
  const value = probeValue(field, original[field], s.marker);
  const sent = await s.send(write.method, path, 'probe', { ...control.body, [field]: value });
  const evidence: Evidence = { field, status: 'not confirmed', reason: '', value, original: original[field], ...split(sent.exchange), restored: true };
  if (!ok(sent.response.status)) return { ...evidence, ...verdict(candidate, false, false, sent.response.status, '') };
  const reflected = sameValue(recordOf(sent.response.body)?.[field], value);
  let reread: JsonObject | undefined;
  try {
    // Once the write is sent, reading it back is part of undoing it: never cut off by the budget.
    const after = await s.send('GET', readPath, 'undo');
    evidence.reread = after.exchange;
    reread = ok(after.response.status) ? recordOf(after.response.body, idOf(original)) : undefined;
  } finally {
    const restore = await s.restoreUpdate(write.method, path, readPath, control.body, original, reread);
    evidence.restore = restore.exchanges;
    evidence.restored = restore.restored;
  }
  const persisted = sameValue(reread?.[field], value);
  const how = persisted ? `GET ${readPath} shows ${field} = ${JSON.stringify(value)} (was ${JSON.stringify(original[field])})` : `GET ${readPath} still shows ${JSON.stringify(reread?.[field])}`;
  return { ...evidence, ...verdict(candidate, persisted, reflected, sent.response.status, how) };
}

async function probeCreate(s: Session, write: PlannedWrite, path: string, control: Control, creation: Creation, candidate: Candidate): Promise<Evidence> {
  const field = candidate.field;
  const baseline = control.record?.[field];
  const value = probeValue(field, baseline, s.marker);
  const sent = await s.send(write.method, path, 'probe', { ...control.body, [field]: value });
  const evidence: Evidence = { field, status: 'not confirmed', reason: '', value, ...(baseline === undefined ? {} : { original: baseline }), ...split(sent.exchange), restored: true };
  if (!ok(sent.response.status)) return { ...evidence, ...verdict(candidate, false, false, sent.response.status, '') };
  const record = recordOf(sent.response.body);
  const id = idOf(record);
  const itemPath = locationPath(sent.response.location, s) ?? `${path}/${String(id)}`;
  const credential = credentialOf(record, s.apiKey);
  const reflected = sameValue(record?.[field], value);
  let persisted = false;
  let how = credential === undefined
    ? 'no way to read the created object back'
    : 'no GET that needs the key is known to try the issued key on: name one, e.g. --path "GET /me"';
  try {
    const again = await s.seeAgain(creation.how, itemPath, path, id, credential);
    evidence.reread = again.exchange;
    if (creation.how.kind === 'credential') {
      persisted = again.found && reflected;
      how = again.found
        ? `the issued key authenticates on GET ${creation.how.authPath}, and the issuing answer shows ${field} = ${JSON.stringify(value)}${baseline === undefined ? '' : ` (without it: ${JSON.stringify(baseline)})`}`
        : `the issued key does not authenticate on GET ${creation.how.authPath}`;
    } else if (creation.how.kind !== 'none') {
      persisted = sameValue(again.record?.[field], value);
      how = `GET ${creation.how.kind === 'item' ? itemPath : path} shows ${field} = ${JSON.stringify(again.record?.[field])}`;
    }
  } finally {
    const undone = id === undefined ? { restored: false, exchanges: [] } : await s.undoCreate(write.method, creation.itemRoute, itemPath, path, id, creation.how, credential);
    if (id === undefined) s.residue.push({ method: write.method, path, what: 'an object created by a probe, without an id', todo: 'find it and delete it by hand' });
    evidence.restore = undone.exchanges;
    evidence.restored = undone.restored;
  }
  return { ...evidence, ...verdict(candidate, persisted, reflected, sent.response.status, how) };
}

function split(exchange: Exchange): Pick<Evidence, 'request' | 'response'> {
  const { method, url, body, status, response } = exchange;
  return { request: { method, url, ...(body === undefined ? {} : { body }) }, response: { status, ...(response === undefined ? {} : { body: response }) } };
}
