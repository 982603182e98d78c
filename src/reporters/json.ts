// The JSON report: the documented, stable shape of docs/output.md (version 1; fields are only ever added).
import type { ScanResult } from '../result.js';

export function renderJson(result: ScanResult): string {
  const findings = result.findings.map((f) => ({
    rule: f.rule,
    name: f.name,
    severity: f.severity,
    cwe: f.cwe,
    owasp: f.owasp,
    path: f.path,
    line: f.line,
    column: f.column,
    endpoint: f.endpoint,
    auth: f.auth,
    model: f.model,
    fields: f.fields,
    writable: f.writable,
    keys: f.keys,
    trace: f.trace,
    message: f.message,
    remediation: f.remediation,
    ...(f.fix ? { fix: f.fix } : {}), // edits with applicability, as `scan --fix` applies them
    ...(f.confidence ? { confidence: f.confidence } : {}),
    ...(f.fieldReasons ? { fieldReasons: f.fieldReasons } : {}),
    ...(f.related ? { related: f.related } : {}),
    fingerprint: f.fingerprint,
    ...(f.probe ? { probe: f.probe } : {}), // only after `scan --probe` (docs/probe.md)
  }));
  // the endpoints found and the model catalogue, each field with what the application's code says of it
  return `${JSON.stringify({ version: 1, findings, errors: result.errors, stats: result.stats, routes: result.routes, models: result.models }, null, 2)}\n`;
}
