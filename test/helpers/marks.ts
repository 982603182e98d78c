// Semgrep-style expectation marks in fixture files (`# ruleid: MA101 fields=a,b`, `# ok:`, `# todoruleid:`,
// `# todook:`) and the check of a scan's findings against them, listing every mismatch of a file.
import type { Finding } from '../../src/result.js';
import { allRules } from '../../src/rules/index.js';

export type MarkKind = 'ruleid' | 'ok' | 'todoruleid' | 'todook';

export interface Mark {
  kind: MarkKind;
  rule: string;
  /** Sorted fields the finding must name exactly, when the mark says `fields=`. */
  fields?: string[];
  /** The model the finding must name, when the mark says `model=` (`model=-` for none). */
  model?: string;
  /** The finding's severity, when the mark says `severity=`. */
  severity?: string;
  /** 1-based line of the mark comment. */
  markLine: number;
  /** 1-based line the mark is about: the next line that is neither blank nor a comment. */
  line: number;
}

const RULE_CODES = new Set(allRules.map((rule) => rule.code));

const MARK_OPTIONS = new Set(['fields', 'model', 'severity']);
const SEVERITIES = new Set(['critical', 'high', 'medium', 'low']);

const MARK = /^\s*#\s*(ruleid|ok|todoruleid|todook):\s*(.*)$/;

/** Parses every mark of a Python source; throws on an unknown rule code or a mark with no code line after it. */
export function parseMarks(source: string, file = '<source>'): Mark[] {
  const lines = source.split('\n');
  const isCode = (text: string) => text.trim() !== '' && !text.trim().startsWith('#');
  const marks: Mark[] = [];
  lines.forEach((text, index) => {
    const match = MARK.exec(text);
    if (!match) return;
    const where = `${file}:${index + 1}`;
    const [codesText, ...options] = match[2].split(/\s+(?=\w+=)/);
    const target = lines.findIndex((later, j) => j > index && isCode(later));
    if (target === -1) throw new Error(`${where}: mark with no code line after it`);
    const given = new Map<string, string>();
    for (const option of options) {
      const [name, value] = option.trim().split('=', 2) as [string, string];
      if (!MARK_OPTIONS.has(name) || given.has(name)) throw new Error(`${where}: unknown or repeated mark option ${JSON.stringify(name)}`);
      given.set(name, value);
    }
    const fieldsText = given.get('fields');
    const fields = fieldsText === undefined ? undefined : fieldsText.split(',').filter(Boolean).sort();
    const severity = given.get('severity');
    if (severity !== undefined && !SEVERITIES.has(severity)) throw new Error(`${where}: unknown severity ${JSON.stringify(severity)}`);
    for (const rule of codesText!.split(',').map((code) => code.trim())) {
      if (!RULE_CODES.has(rule)) throw new Error(`${where}: unknown rule code ${JSON.stringify(rule)}`);
      marks.push({ kind: match[1] as MarkKind, rule, fields, model: given.get('model'), severity, markLine: index + 1, line: target + 1 });
    }
  });
  return marks;
}

type Found = Pick<Finding, 'rule' | 'line' | 'fields'> & Partial<Pick<Finding, 'model' | 'severity'>>;

const describe = (f: Found) =>
  `${f.rule} fields=${f.fields.join(',') || '-'}${f.model !== undefined ? ` model=${f.model ?? '-'}` : ''}${f.severity ? ` severity=${f.severity}` : ''}`;

/** Does a finding satisfy everything a mark asks of it (fields, model, severity)? */
const fits = (mark: Mark, f: Found) =>
  (!mark.fields || [...f.fields].sort().join() === mark.fields.join())
  && (mark.model === undefined || (f.model ?? '-') === mark.model)
  && (mark.severity === undefined || f.severity === mark.severity);

const wantedText = (mark: Mark) =>
  `${mark.rule}${mark.fields ? ` fields=${mark.fields.join(',')}` : ''}${mark.model !== undefined ? ` model=${mark.model}` : ''}${mark.severity ? ` severity=${mark.severity}` : ''}`;

/** Every way `findings` (all of one file) disagree with `marks`, one line each, `file:line: expected ..., got ...`. */
export function checkMarks(file: string, marks: Mark[], findings: Found[]): string[] {
  const problems: string[] = [];
  const at = (line: number, rule: string) => findings.filter((f) => f.line === line && f.rule === rule);
  const gotAt = (line: number) => findings.filter((f) => f.line === line).map(describe).join('; ') || 'nothing';
  for (const mark of marks) {
    const where = `${file}:${mark.line}`;
    const found = at(mark.line, mark.rule);
    if (mark.kind === 'ruleid') {
      if (!found.some((f) => fits(mark, f))) problems.push(`${where}: expected ${wantedText(mark)}, got ${gotAt(mark.line)}`);
    } else if (mark.kind === 'ok' && found.length > 0) {
      problems.push(`${where}: expected no ${mark.rule}, got ${found.map(describe).join('; ')}`);
    } else if (mark.kind === 'todoruleid' && found.some((f) => fits(mark, f))) {
      problems.push(`${where}: known miss of ${mark.rule} is now found (${found.map(describe).join('; ')}): promote the mark to ruleid`);
    } else if (mark.kind === 'todook' && found.length === 0) {
      problems.push(`${where}: known false positive of ${mark.rule} is gone: promote the mark to ok`);
    }
  }
  // A finding on a line with a mark of its rule was judged above; any other finding is unexpected.
  const claimed = (f: Found) => marks.some((m) => m.rule === f.rule && m.line === f.line);
  for (const finding of findings.filter((f) => !claimed(f))) {
    problems.push(`${file}:${finding.line}: unmarked finding ${describe(finding)}`);
  }
  return problems.sort((a, b) => lineNumber(a) - lineNumber(b));
}

const lineNumber = (problem: string) => Number(/:(\d+):/.exec(problem)?.[1] ?? 0);

/** An expected endpoint: `# route: POST,PUT /api/items/<int:id> auth=api_key via="header X-API-Key"`. */
export interface RouteMark {
  methods: string[];
  rule: string;
  auth: string;
  /** Checked only when the mark gives it. */
  via?: string;
  /** `admin`: the endpoint is behind an admin-only guard (checked both ways). */
  admin: boolean;
  markLine: number;
  /** 1-based line of the first `def` at or after the mark: the Endpoint's `location.line`. */
  defLine: number;
}

const ROUTE = /^\s*#\s*route:\s+([A-Z,]+)\s+(\S+)\s+auth=(api_key|other|none)(?:\s+via="([^"]+)")?(\s+admin)?\s*$/;

/** Parses every `# route:` mark; throws on a malformed one or one with no `def` after it. */
export function parseRouteMarks(source: string, file = '<source>'): RouteMark[] {
  const lines = source.split('\n');
  return lines.flatMap((text, index) => {
    if (!/^\s*#\s*route:/.test(text)) return [];
    const match = ROUTE.exec(text);
    if (!match) throw new Error(`${file}:${index + 1}: malformed route mark`);
    const def = lines.findIndex((later, j) => j >= index && /^\s*(async\s+)?def\s/.test(later));
    if (def === -1) throw new Error(`${file}:${index + 1}: route mark with no def after it`);
    const [, methods, rule, auth, via, admin] = match;
    return [{ methods: methods.split(',').sort(), rule, auth, via, admin: admin !== undefined, markLine: index + 1, defLine: def + 1 }];
  });
}

interface FoundRoute {
  methods: string[];
  rule: string;
  auth: { kind: string; via?: string; adminOnly?: boolean };
  location: { line: number };
}

const describeRoute = (r: FoundRoute) =>
  `${[...r.methods].sort().join(',')} ${r.rule} auth=${r.auth.kind}${r.auth.via === undefined ? '' : ` via="${r.auth.via}"`}${r.auth.adminOnly ? ' admin' : ''}`;

/** Every way `routes` (all of one file) disagree with `marks`: missing, different, or unmarked endpoints. */
export function checkRoutes(file: string, marks: RouteMark[], routes: FoundRoute[]): string[] {
  const unmatched = [...routes];
  const problems: string[] = [];
  for (const mark of marks) {
    const fits = (r: FoundRoute) =>
      r.location.line === mark.defLine && [...r.methods].sort().join() === mark.methods.join() && r.rule === mark.rule
      && r.auth.kind === mark.auth && (mark.via === undefined || r.auth.via === mark.via) && (r.auth.adminOnly === true) === mark.admin;
    const index = unmatched.findIndex(fits);
    if (index >= 0) {
      unmatched.splice(index, 1);
      continue;
    }
    const got = routes.filter((r) => r.location.line === mark.defLine).map(describeRoute).join('; ') || 'nothing';
    const wanted = `${mark.methods.join(',')} ${mark.rule} auth=${mark.auth}${mark.via === undefined ? '' : ` via="${mark.via}"`}${mark.admin ? ' admin' : ''}`;
    problems.push(`${file}:${mark.defLine}: expected ${wanted}, got ${got}`);
  }
  // Routes on a line whose mark failed were listed above as what was got; any other leftover is unexpected.
  const failed = new Set(problems.map(lineNumber));
  const extra = unmatched.filter((r) => !failed.has(r.location.line));
  problems.push(...extra.map((r) => `${file}:${r.location.line}: unmarked route ${describeRoute(r)}`));
  return problems;
}
