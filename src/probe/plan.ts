// The plan: which write endpoints to probe with which properties, and which routes re-read and undo them.
// Sources, best first: the static scan's findings and routes, an OpenAPI document, then `--path` endpoints.
import type { ModelField, ScanResult } from '../result.js';
import { UsageError } from '../cli/usage-error.js';
import type { OpenApiFacts } from './openapi.js';
import { canonicalRoute, isWrite, parseEndpoint } from './routes.js';

export interface Candidate {
  field: string;
  /** Where the idea came from: a static finding (its rule), the OpenAPI document, a read of the object, the dictionary. */
  source: 'static' | 'openapi' | 'read' | 'dictionary';
  rule?: string;
}

export interface PlannedWrite {
  method: string;
  route: string;
  candidates: Candidate[];
  /** A static finding names this endpoint: its fields are the candidates, no guessing. */
  staticEvidence: boolean;
  /** Static findings on this endpoint, by index in the scan result, for `scan --probe`. */
  findings: number[];
  modelFields: Map<string, ModelField>;
  /** Properties the write needs (from OpenAPI), sent in every request to it. */
  required: Record<string, unknown>;
  /** Properties the endpoint is known to accept (the static scan's writable fields, OpenAPI's request body); empty when unknown. */
  accepts: Set<string>;
}

export interface Plan {
  writes: PlannedWrite[];
  /** Known GET and DELETE routes; empty when nothing describes the API (then the probe tries the obvious ones). */
  reads: Set<string>;
  deletes: Set<string>;
}

/**
 * The plan. `--path` write endpoints limit the run to what they name (matched byte-exact to the known rules, or
 * added when nothing else describes them); `--path` reads and deletes add to the inventory; `bodies` seed controls.
 */
export function makePlan(scan: ScanResult | undefined, openapi: OpenApiFacts | undefined, paths: string[], bodies: Record<string, Record<string, unknown>> = {}): Plan {
  const plan: Plan = { writes: [], reads: new Set(), deletes: new Set() };
  const writeFor = (method: string, route: string): PlannedWrite => {
    let write = plan.writes.find((w) => w.method === method && w.route === route);
    if (!write) {
      write = { method, route, candidates: [], staticEvidence: false, findings: [], modelFields: new Map(), required: {}, accepts: new Set() };
      plan.writes.push(write);
    }
    return write;
  };
  const addCandidate = (write: PlannedWrite, candidate: Candidate) => {
    if (!write.candidates.some((c) => c.field === candidate.field)) write.candidates.push(candidate);
  };
  if (scan) {
    scan.findings.forEach((finding, index) => {
      if (!finding.endpoint) return;
      const model = scan.models.find((m) => m.name === finding.model || m.qualifiedName === finding.model);
      for (const method of finding.endpoint.methods.filter(isWrite)) {
        const write = writeFor(method, canonicalRoute(finding.endpoint.rule));
        write.staticEvidence = true;
        write.findings.push(index);
        for (const field of model?.fields ?? []) write.modelFields.set(field.name, field);
        for (const field of finding.fields) addCandidate(write, { field, source: 'static', rule: finding.rule });
        for (const field of finding.writable) write.accepts.add(field);
      }
    });
    for (const route of scan.routes) {
      const canonical = canonicalRoute(route.rule);
      for (const method of route.methods) {
        if (method === 'GET') plan.reads.add(canonical);
        else if (method === 'DELETE') plan.deletes.add(canonical);
        else if (isWrite(method)) writeFor(method, canonical);
      }
    }
  }
  if (openapi) {
    openapi.reads.forEach((r) => plan.reads.add(r));
    openapi.deletes.forEach((r) => plan.deletes.add(r));
    for (const described of openapi.writes) {
      const write = writeFor(described.method, described.route);
      write.required = { ...described.required, ...write.required };
      described.accepts.forEach((field) => write.accepts.add(field));
      for (const field of described.candidates) addCandidate(write, { field, source: 'openapi' });
    }
  }
  const named = new Set<PlannedWrite>();
  for (const text of paths) {
    const endpoint = parseEndpoint(text);
    if (!endpoint) throw new UsageError(`--path wants "METHOD /path", got: ${text}`);
    if (endpoint.method === 'GET') plan.reads.add(endpoint.route);
    else if (endpoint.method === 'DELETE') plan.deletes.add(endpoint.route);
    else if (isWrite(endpoint.method)) named.add(writeFor(endpoint.method, endpoint.route));
    else throw new UsageError(`--path method must be GET, POST, PUT, PATCH or DELETE, got: ${endpoint.method}`);
  }
  if (named.size > 0) plan.writes = plan.writes.filter((w) => named.has(w));
  for (const [text, body] of Object.entries(bodies)) {
    const endpoint = parseEndpoint(text);
    const write = endpoint && plan.writes.find((w) => w.method === endpoint.method && w.route === endpoint.route);
    if (!write) throw new UsageError(`--body names no planned write endpoint: ${text}`);
    write.required = { ...write.required, ...body };
  }
  return plan;
}
