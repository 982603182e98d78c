// The HTML report: one self-contained page (inline CSS, no scripts, no network) with a summary, the
// endpoint table, and per finding the route, auth, model fields, numbered trace, probe verdict and fix.
import type { Endpoint, Finding, ModelInfo, ProbeVerdict, ScanResult, TextEdit } from '../result.js';
import type { RenderOptions } from './index.js';
import { authLabel, endpointLabel, groupByEndpoint, keySetInWords, redactKeyHeaders, severities, severityCounts, summaryLine, whyInWords } from './describe.js';
import { html, Markup } from './html-template.js';
import { reportCss } from './html-style.js';

interface Numbered {
  id: string;
  finding: Finding;
}

/** `/v2/items` before `/v10/items`, `<int:id>` segments by their text: numbers compare as numbers. */
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
const naturalOrder = (a: string, b: string) => collator.compare(a, b);

const sameEndpoint = (finding: Finding, route: Pick<Endpoint, 'methods' | 'rule'>) =>
  finding.endpoint !== null && finding.endpoint.rule === route.rule && finding.endpoint.methods.some((m) => route.methods.includes(m));

const authCell = (auth: Endpoint['auth']) => html`<span class="${`auth-${auth.kind}`}">${authLabel(auth)}</span>`;

function summary(result: ScanResult): Markup {
  const counts = severityCounts(result.findings);
  const card = (count: number, label: string, kind = '') => html`<div class="${`card ${kind}${count === 0 ? ' zero' : ''}`}"><span class="count">${count}</span><span class="label">${label}</span></div>`;
  const byAuth = (kind: Endpoint['auth']['kind']) => result.routes.filter((route) => route.auth.kind === kind).length;
  const extras = [
    result.suppressed?.length ? `${result.suppressed.length} suppressed by ignore comments` : '',
    result.baselined ? `${result.baselined} already in the baseline` : '',
  ].filter(Boolean);
  return html`<section class="summary" aria-label="Summary">
<div class="cards">${severities.map((s) => card(counts[s], s, s))}${card(result.routes.length, 'endpoints')}${card(result.stats.files, 'files scanned')}</div>
<p class="sub">Endpoints by authentication: ${byAuth('api_key')} API key, ${byAuth('other')} other, <span class="${byAuth('none') > 0 ? 'auth-none' : ''}">${byAuth('none')} none</span>.${extras.length > 0 ? ` ${extras.join('; ')}.` : ''}</p>
</section>`;
}

/** One table row; `hits` are the findings on it, worst first. */
function endpointRow(methods: string[], rule: string | null, auth: Endpoint['auth'], hits: Numbered[]): Markup {
  const rowClass = hits.length > 0 ? `has-findings worst-${hits[0].finding.severity}` : '';
  const ruleCell = rule === null ? html`<span class="none">no route</span>` : html`<code>${rule}</code>`;
  return html`<tr class="${rowClass}"><td>${methods.join(', ')}</td><td>${ruleCell}</td><td>${authCell(auth)}</td><td>${findingLinks(hits)}</td></tr>`;
}

/** Every route, by URL rule, then any finding whose endpoint is not among the routes. */
function endpointTable(result: ScanResult, numbered: Numbered[]): Markup {
  const rows = [...result.routes]
    .sort((a, b) => naturalOrder(a.rule, b.rule) || naturalOrder(a.methods.join(), b.methods.join()))
    .map((route) => endpointRow(route.methods, route.rule, route.auth, numbered.filter(({ finding }) => sameEndpoint(finding, route))));
  const orphanRows = numbered
    .filter(({ finding }) => !result.routes.some((route) => sameEndpoint(finding, route)))
    .map((hit) => endpointRow(hit.finding.endpoint?.methods ?? [], hit.finding.endpoint?.rule ?? null, hit.finding.auth, [hit]));
  return html`<section><h2>Endpoints</h2>
<table class="endpoints"><thead><tr><th>Methods</th><th>Rule</th><th>Auth</th><th>Findings</th></tr></thead>
<tbody>${rows}${orphanRows}</tbody></table></section>`;
}

function findingLinks(hits: Numbered[]): Markup {
  if (hits.length === 0) return html`<span class="none">none</span>`;
  return html`${hits.map(({ id, finding }) => html`<a class="${`badge ${finding.severity}`}" href="${`#${id}`}">${finding.severity} ${finding.rule}</a>`)}`;
}

function fieldList(finding: Finding, model: ModelInfo | undefined): Markup {
  const declared = model?.fields.map((field) => field.name) ?? [];
  const names = [...declared, ...finding.writable.filter((name) => !declared.includes(name))];
  if (names.length === 0) return html`<p>The model could not be resolved, so every column may be writable.</p>`;
  const items = names.map((name) => {
    const field = model?.fields.find((f) => f.name === name);
    const kind = finding.fields.includes(name) ? 'field sensitive' : finding.writable.includes(name) ? 'field writable' : 'field';
    const contract = field?.contract ? `${field.contract.owner}-owned: ${field.contract.reasons.map((r) => r.text + (r.path ? ` (${r.path}${r.line ? `:${r.line}` : ''})` : '')).join('; ')}` : undefined;
    const tags = [field?.sensitive, field?.primaryKey ? 'primary key' : undefined, field?.foreignKey ? `→ ${field.foreignKey}` : undefined, contract].filter(Boolean).join(', ');
    return html`<li class="${kind}">${name}${tags ? html`<small>${tags}</small>` : ''}</li>`;
  });
  return html`<ul class="fields">${items}</ul><p class="legend">Strong red: sensitive and writable by the caller · yellow: writable · grey: not writable.</p>`;
}

function trace(finding: Finding, excerpts: Record<string, string>): Markup {
  const steps = finding.trace.map((step, index) => {
    const previous = finding.trace[index - 1];
    const repeated = previous !== undefined && previous.path === step.path && previous.line === step.line;
    const excerpt = repeated ? undefined : excerpts[`${step.path}:${step.line}`];
    const code = excerpt === undefined ? '' : html`<pre><code><span class="ln">${step.line}</span>${excerpt.trim()}</code></pre>`;
    return html`<li><span class="note"><code>${step.note}</code></span><span class="loc">${step.path}:${step.line}:${step.column}</span>${code}</li>`;
  });
  return html`<ol class="trace">${steps}</ol>`;
}

function probeSection(probe: ProbeVerdict): Markup {
  const restored = probe.restored === undefined ? '' : probe.restored ? 'Every change was put back.' : 'Not every change was put back: check the data.';
  return html`<h4>Live probe</h4><div class="${`probe ${probe.status.replace(/\s+/g, '-')}`}">
<p><span class="probe-status">${probe.status}</span>${probe.fields.length > 0 ? html` <code>${probe.fields.join(', ')}</code>` : ''}</p>
<p>${redactKeyHeaders(probe.reason)}</p>${restored ? html`<p class="${probe.restored ? 'restored' : 'not-restored'}">${restored}</p>` : ''}</div>`;
}

function editBlock(edit: TextEdit): Markup {
  const inserts = edit.line === edit.endLine && edit.column === edit.endColumn;
  return html`<p class="edit-kind">${edit.path}:${edit.line}:${edit.column} — ${inserts ? 'insert' : `replace up to ${edit.endLine}:${edit.endColumn} with`}</p><pre><code>${edit.text.replace(/\n$/, '')}</code></pre>`;
}

/** A remediation's prose as paragraphs and its code (lines indented four spaces, as in Markdown) as blocks. */
function remediationBlocks(text: string): Markup[] {
  const blocks: { code: boolean; lines: string[] }[] = [];
  for (const line of text.split('\n')) {
    const code = line.startsWith('    ');
    const last = blocks[blocks.length - 1];
    if (last && last.code === code) last.lines.push(code ? line.slice(4) : line);
    else blocks.push({ code, lines: [code ? line.slice(4) : line] });
  }
  return blocks.map((b) => (b.code ? html`<pre><code>${b.lines.join('\n')}</code></pre>` : html`<p class="remediation">${b.lines.join('\n')}</p>`));
}

function fixSection(finding: Finding): Markup {
  const fix = finding.fix;
  return html`<h4>Fix</h4><div class="fix">${remediationBlocks(finding.remediation)}${
    fix ? html`<p><strong>Suggested edit</strong> (${fix.applicability}): ${fix.description}</p>${fix.edits.map(editBlock)}` : ''
  }</div>`;
}

/** Why each field is not the client's (contract evidence), and the further places the finding involves. */
function evidence(finding: Finding): Markup {
  const reasons = Object.entries(finding.fieldReasons ?? {});
  const related = finding.related ?? [];
  return html`${reasons.length ? html`<h4>Evidence</h4><ul class="evidence">${reasons.map(([field, why]) => html`<li><code>${field}</code>: ${why.join('; ')}</li>`)}</ul>` : ''}${
    related.length ? html`<h4>Related</h4><ul class="evidence">${related.map((step) => html`<li><code>${step.note}</code> <span class="none">${step.path}:${step.line}</span></li>`)}</ul>` : ''
  }`;
}

function findingArticle({ id, finding }: Numbered, result: ScanResult, excerpts: Record<string, string>, open: boolean): Markup {
  const model = result.models.find((m) => m.name === finding.model);
  const route = result.routes.find((r) => sameEndpoint(finding, r));
  const probe = finding.probe;
  return html`<article class="${`finding ${finding.severity}`}" id="${id}"><details${new Markup(open ? ' open' : '')}>
<summary><span class="${`badge ${finding.severity}`}">${finding.severity}</span><h3>${finding.rule} ${finding.name}</h3><span class="where">${finding.path}:${finding.line}:${finding.column}</span>
<span class="message">${finding.message}</span></summary>
<p class="sub">${whyInWords(finding)}</p>
<dl class="facts">
<dt>Route</dt><dd><code>${endpointLabel(finding.endpoint)}</code>${route ? html` <span class="none">— ${route.handler}, ${route.location.path}:${route.location.line}</span>` : ''}</dd>
<dt>Auth</dt><dd>${authCell(finding.auth)}</dd>
<dt>Model</dt><dd>${finding.model ? html`<code>${finding.model}</code>` : html`<span class="none">not resolved</span>`}</dd>
<dt>Caller's keys</dt><dd>${keySetInWords(finding.keys)}</dd>
</dl>
<h4>Fields</h4>${fieldList(finding, model)}
<h4>Source → sink</h4>${trace(finding, excerpts)}
${probe ? probeSection(probe) : ''}
${finding.confidence ? html`<p class="sub">Confidence: ${finding.confidence}</p>` : ''}
${evidence(finding)}
${fixSection(finding)}
</details></article>`;
}

function errorList(result: ScanResult): Markup {
  if (result.errors.length === 0) return html``;
  return html`<section><h2>Files that could not be analysed</h2><ul class="errors">${result.errors.map((error) => html`<li><code>${error.path}</code>: ${error.message}</li>`)}</ul></section>`;
}

/** Findings grouped by rule, then by file, in the order the endpoint groups put them (worst first). */
function groupedFindings(numbered: Numbered[], result: ScanResult, excerpts: Record<string, string>): { toc: Markup; body: Markup } {
  const byRule = new Map<string, Numbered[]>();
  for (const item of numbered) byRule.set(item.finding.rule, [...(byRule.get(item.finding.rule) ?? []), item]);
  const rules = [...byRule.keys()].sort();
  const toc = html`<nav class="toc" aria-label="Contents"><h2>Contents</h2><ul>${rules.map((code) => {
    const items = byRule.get(code)!;
    const files = [...new Set(items.map((i) => i.finding.path))].sort(naturalOrder);
    return html`<li><a href="${`#rule-${code}`}">${code} ${items[0]!.finding.name}</a> <span class="none">(${items.length})</span><ul>${files.map((file) => html`<li><a href="${`#rule-${code}-${slug(file)}`}">${file}</a> <span class="none">(${items.filter((i) => i.finding.path === file).length})</span></li>`)}</ul></li>`;
  })}</ul></nav>`;
  let opened = 0;
  const body = html`${rules.map((code) => {
    const items = byRule.get(code)!;
    const files = [...new Set(items.map((i) => i.finding.path))].sort(naturalOrder);
    return html`<section class="rule-group" id="${`rule-${code}`}"><h3 class="group">${code} ${items[0]!.finding.name}</h3>${files.map((file) => html`<h4 class="file" id="${`rule-${code}-${slug(file)}`}"><code>${file}</code></h4>${
      items.filter((i) => i.finding.path === file).map((item) => findingArticle(item, result, excerpts, opened++ < openFindings))
    }`)}</section>`;
  })}`;
  return { toc, body };
}

/** The first findings are open; the rest are folded, so 60 findings stay a page you can scan. */
const openFindings = 3;
const slug = (text: string) => text.replace(/[^A-Za-z0-9]+/g, '-');

function provenanceLine(options: RenderOptions): Markup {
  const p = options.provenance;
  if (!p) return html``;
  return html`<p class="sub provenance">Made ${p.date.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')} by massassign ${p.version}${p.commit ? html` · commit <code>${p.commit.slice(0, 12)}</code>` : ''}${
    p.settings.length ? html` · settings <code>${p.settings.join(' ')}</code>` : ' · default settings'}</p>`;
}

/** Suppressed and baselined findings: listed with the reason their comment or baseline entry gives. */
function silenced(result: ScanResult, options: RenderOptions): Markup {
  const row = (finding: Finding, reason: string | undefined) =>
    html`<tr><td><span class="${`badge ${finding.severity}`}">${finding.severity}</span> ${finding.rule}</td><td><code>${finding.path}:${finding.line}</code></td><td>${reason ?? html`<span class="none">no reason given</span>`}</td></tr>`;
  const suppressed = result.suppressed ?? [];
  const baselined = options.baselined ?? [];
  if (suppressed.length === 0 && baselined.length === 0) return html``;
  const table = (title: string, rows: Markup[]) => (rows.length ? html`<h3 class="group">${title}</h3><table class="silenced"><thead><tr><th>Rule</th><th>Where</th><th>Reason</th></tr></thead><tbody>${rows}</tbody></table>` : '');
  return html`<section><h2>Not reported</h2>${table('Suppressed by ignore comments', suppressed.map((f) => row(f, options.reasons?.[f.fingerprint])))}${table('In the baseline', baselined.map((f) => row(f, options.reasons?.[f.fingerprint])))}</section>`;
}

export function renderHtml(result: ScanResult, options: RenderOptions): string {
  const groups = groupByEndpoint(result.findings);
  const numbered: Numbered[] = groups.flatMap((group) => group.findings).map((finding, index) => ({ id: `finding-${index + 1}`, finding }));
  const excerpts = options.excerpts ?? {};
  const { toc, body } = groupedFindings(numbered, result, excerpts);
  const findings = numbered.length === 0 ? html`<p>No mass assignment found.</p>` : body;
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>massassign report: ${result.root}</title>
<style>${new Markup(reportCss)}</style>
</head>
<body><main>
<h1>Mass assignment report</h1>
<p class="sub"><code>${result.root}</code> · CWE-915 · OWASP API3:2023</p>
${provenanceLine(options)}
${summary(result)}
${numbered.length > 0 ? toc : ''}
${endpointTable(result, numbered)}
<section><h2>Findings</h2>${findings}</section>
${silenced(result, options)}
${errorList(result)}
<footer>${summaryLine(result)}</footer>
</main></body>
</html>
`;
  return page.text;
}
