// The SARIF 2.1.0 report: one run, every rule in tool.driver, and per finding its sink location, the
// source-to-sink trace as a code flow, the model and route as related locations, fixes and a fingerprint.
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import type { Finding, Location, ScanResult, TextEdit, TraceStep } from '../result.js';
import { allRules } from '../rules/index.js';
import { VERSION } from '../version.js';
import { authLabel, endpointLabel, keySetInWords, redactKeyHeaders } from './describe.js';
import { sarifLevel, sarifPrecision, sarifRule, securitySeverity, variantId } from './sarif-rules.js';
import type { RenderOptions } from './index.js';

const srcRoot = '%SRCROOT%';
/** The partialFingerprints key: massassign's own stable fingerprint (rule, path, function, sink text, fields). */
export const fingerprintKey = 'massassignFindingHash/v1';

const artifact = (path: string): Sarif.ArtifactLocation => ({ uri: path.split('/').map(encodeURIComponent).join('/'), uriBaseId: srcRoot });

/** A deep copy with every `path` value prefixed: scan-root paths made repository-root paths. */
function prefixPaths<T>(value: T, prefix: string, key = ''): T {
  if (typeof value === 'string') return (key === 'path' ? `${prefix}${value}` : value) as T;
  if (Array.isArray(value)) return value.map((item) => prefixPaths(item, prefix, key)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, prefixPaths(v, prefix, k)])) as T;
  return value;
}

function physical(path: string, region: Sarif.Region): Sarif.Location {
  return { physicalLocation: { artifactLocation: artifact(path), region } };
}

const span = (place: Pick<Location, 'line' | 'column' | 'endLine' | 'endColumn'>): Sarif.Region => ({
  startLine: place.line,
  startColumn: place.column,
  endLine: place.endLine,
  endColumn: place.endColumn,
});

function codeFlow(trace: TraceStep[]): Sarif.CodeFlow {
  const locations = trace.map((step, index): Sarif.ThreadFlowLocation => ({
    location: { ...physical(step.path, { startLine: step.line, startColumn: step.column }), message: { text: step.note } },
    executionOrder: index + 1,
  }));
  return { threadFlows: [{ locations }] };
}

function relatedLocations(finding: Finding, result: ScanResult): Sarif.Location[] {
  const related: Sarif.Location[] = [];
  const model = result.models.find((m) => m.name === finding.model);
  if (model) related.push({ ...physical(model.location.path, span(model.location)), id: 1, message: { text: `model ${model.name}` } });
  const endpoint = finding.endpoint;
  const route = endpoint && result.routes.find((r) => r.rule === endpoint.rule && endpoint.methods.every((m) => r.methods.includes(m)));
  if (route) related.push({ ...physical(route.location.path, span(route.location)), id: 2, message: { text: `route ${endpointLabel(route)}` } });
  (finding.related ?? []).forEach((step, index) => related.push({ ...physical(step.path, { startLine: step.line, startColumn: step.column }), id: 3 + index, message: { text: step.note } }));
  return related;
}

function sarifFix(description: string, edits: TextEdit[]): Sarif.Fix {
  const paths = [...new Set(edits.map((edit) => edit.path))];
  const artifactChanges = paths.map((path) => ({
    artifactLocation: artifact(path),
    replacements: edits.filter((edit) => edit.path === path).map((edit) => ({ deletedRegion: span(edit), insertedContent: { text: edit.text } })),
  }));
  return { description: { text: description }, artifactChanges };
}

function sarifResult(finding: Finding, result: ScanResult, ruleIndex: Map<string, number>): Sarif.Result {
  const probe = finding.probe;
  const id = variantId(finding.rule, finding.severity, finding.confidence);
  const index = ruleIndex.get(id);
  return {
    ruleId: id,
    ...(index === undefined ? {} : { ruleIndex: index }),
    level: sarifLevel[finding.severity],
    message: { text: finding.message },
    locations: [physical(finding.path, span(finding))],
    codeFlows: finding.trace.length > 0 ? [codeFlow(finding.trace)] : undefined,
    relatedLocations: relatedLocations(finding, result),
    partialFingerprints: { [fingerprintKey]: finding.fingerprint },
    fixes: finding.fix ? [sarifFix(finding.fix.description, finding.fix.edits)] : undefined,
    properties: {
      rule: finding.rule,
      severity: finding.severity,
      'security-severity': securitySeverity[finding.severity],
      precision: sarifPrecision[finding.confidence ?? 'high'],
      ...(finding.confidence ? { confidence: finding.confidence } : {}),
      ...(finding.fieldReasons ? { fieldReasons: finding.fieldReasons } : {}),
      endpoint: endpointLabel(finding.endpoint),
      auth: authLabel(finding.auth),
      model: finding.model,
      fields: finding.fields,
      writable: finding.writable,
      keys: keySetInWords(finding.keys),
      remediation: finding.remediation,
      ...(probe ? { probe: { ...probe, reason: redactKeyHeaders(probe.reason) } } : {}),
    },
  };
}

function notification(error: ScanResult['errors'][number]): Sarif.Notification {
  return { level: 'error', message: { text: error.message }, locations: [{ physicalLocation: { artifactLocation: artifact(error.path) } }] };
}

/** Every rule's default descriptor, then one per other severity/confidence the findings take. */
function descriptors(result: ScanResult): Sarif.ReportingDescriptor[] {
  const rules = allRules.map((rule) => sarifRule(rule));
  const seen = new Set(rules.map((rule) => rule.id));
  for (const finding of [...result.findings, ...(result.suppressed ?? [])]) {
    const rule = allRules.find((r) => r.code === finding.rule);
    const id = variantId(finding.rule, finding.severity, finding.confidence);
    if (!rule || seen.has(id)) continue;
    seen.add(id);
    rules.push(sarifRule(rule, finding.severity, finding.confidence));
  }
  return rules;
}

/** URIs are relative to `%SRCROOT%`: the repository root when the scan is inside one, else the scan root. */
export function renderSarif(scanned: ScanResult, options?: RenderOptions): string {
  const base = options?.provenance?.repositoryRoot ?? scanned.root;
  const rel = relative(base, scanned.root).split('\\').join('/');
  const inside = !rel.startsWith('..');
  const result = inside && rel !== '' ? prefixPaths(scanned, `${rel}/`) : scanned;
  const rootUri = inside ? base : scanned.root;
  const rules = descriptors(result);
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const run: Sarif.Run = {
    tool: { driver: { name: 'massassign', version: VERSION, informationUri: 'https://www.npmjs.com/package/massassign', rules } },
    columnKind: 'utf16CodeUnits',
    originalUriBaseIds: { [srcRoot]: { uri: pathToFileURL(`${rootUri.replace(/\/$/, '')}/`).href } },
    invocations: [{ executionSuccessful: true, toolExecutionNotifications: result.errors.map(notification) }],
    results: [
      ...result.findings.map((finding) => sarifResult(finding, result, ruleIndex)),
      // code scanning shows ignore comments as suppressed results rather than losing them
      ...(result.suppressed ?? []).map((finding) => ({ ...sarifResult(finding, result, ruleIndex), suppressions: [{ kind: 'inSource' as const }] })),
    ],
  };
  const log: Sarif.Log = { $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs: [run] };
  return `${JSON.stringify(log, null, 2)}\n`;
}
