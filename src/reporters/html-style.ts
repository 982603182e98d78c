// The HTML report's inline stylesheet: readable from a 1400 px screen down to a 390 px phone, light and dark
// (prefers-color-scheme), printable, no external assets.
export const reportCss = `
:root { --ink: #1d2330; --muted: #5b6474; --line: #d9dee7; --panel: #f6f8fb; --accent: #2f5fb3;
  --critical: #8f1239; --high: #c2261f; --medium: #b26a00; --low: #2b6cb0; --ok: #2f7d4f; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 32px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 16px; margin: 0; }
h4 { font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 16px 0 6px; }
code, pre { font: 13px/1.45 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
a { color: var(--accent); }
.sub { color: var(--muted); margin: 0; }
.summary .sub { margin-top: 10px; }
.cards { display: grid; grid-template-columns: repeat(6, minmax(0, 1fr)); gap: 12px; margin-top: 20px; }
@media screen and (max-width: 720px) { .cards { grid-template-columns: repeat(3, minmax(0, 1fr)); } }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; background: var(--panel); }
.card .count { display: block; font-size: 26px; font-weight: 700; line-height: 1.2; }
.card .label { color: var(--muted); font-size: 13px; }
.card.critical .count { color: var(--critical); } .card.high .count { color: var(--high); }
.card.medium .count { color: var(--medium); } .card.low .count { color: var(--low); }
.card.zero .count { color: var(--muted); font-weight: 400; }
table { width: 100%; border-collapse: collapse; font-size: 14px; }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); background: var(--panel); }
tr.has-findings td:first-child { box-shadow: inset 3px 0 0 var(--high); }
tr.has-findings.worst-critical td:first-child { box-shadow: inset 3px 0 0 var(--critical); }
tr.has-findings.worst-medium td:first-child { box-shadow: inset 3px 0 0 var(--medium); }
.none { color: var(--muted); }
.auth-none { color: var(--critical); font-weight: 600; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 700; color: #fff;
  text-transform: uppercase; letter-spacing: .03em; white-space: nowrap; text-decoration: none; margin: 0 4px 2px 0; }
.badge.critical { background: var(--critical); } .badge.high { background: var(--high); }
.badge.medium { background: var(--medium); } .badge.low { background: var(--low); }
.finding { border: 1px solid var(--line); border-left: 5px solid var(--high); border-radius: 8px; padding: 16px 20px; margin: 16px 0; }
.finding.critical { border-left-color: var(--critical); } .finding.medium { border-left-color: var(--medium); } .finding.low { border-left-color: var(--low); }
.finding header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 12px; }
.finding .where { color: var(--muted); font-size: 13px; margin-left: auto; }
.finding .message { font-size: 16px; margin: 10px 0 4px; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0 0; font-size: 14px; }
.facts dt { color: var(--muted); } .facts dd { margin: 0; }
.fields { display: flex; flex-wrap: wrap; gap: 6px; list-style: none; padding: 0; margin: 0; }
.field { border: 1px solid var(--line); border-radius: 6px; padding: 2px 8px; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px; color: var(--muted); background: #fff; }
.field small { font-family: system-ui, sans-serif; font-size: 11px; margin-left: 4px; }
.field.writable { color: var(--ink); background: #fff6d9; border-color: #e8c860; }
.field.sensitive { color: #fff; background: var(--high); border-color: var(--high); font-weight: 700; }
.finding.critical .field.sensitive { background: var(--critical); border-color: var(--critical); }
.legend { font-size: 12px; color: var(--muted); margin: 6px 0 0; }
.trace { list-style: none; counter-reset: step; padding: 0; margin: 0; }
.trace li { counter-increment: step; position: relative; padding: 4px 0 10px 40px; }
.trace li::before { content: counter(step); position: absolute; left: 0; top: 4px; width: 26px; height: 26px; border-radius: 50%;
  background: var(--accent); color: #fff; font-weight: 700; font-size: 13px; text-align: center; line-height: 26px; }
.trace li:not(:last-child)::after { content: ""; position: absolute; left: 12px; top: 32px; bottom: 0; border-left: 2px solid var(--line); }
.trace li:last-child::before { background: var(--high); }
.trace .note { font-weight: 600; } .trace .loc { color: var(--muted); font-size: 13px; margin-left: 8px; }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 6px 10px; margin: 4px 0 0; overflow-x: auto; white-space: pre-wrap; }
.fix p { margin: 4px 0; }
.remediation { white-space: pre-wrap; }
.ln { display: inline-block; min-width: 3ch; margin-right: 12px; color: var(--muted); text-align: right; user-select: none; }
.edit-kind { color: var(--muted); font-size: 13px; }
.probe { border-radius: 6px; padding: 8px 12px; background: var(--panel); border: 1px solid var(--line); }
.probe p { margin: 2px 0; }
.probe.confirmed { background: #fdeceb; border-color: #f2b8b5; }
.probe-status { font-weight: 700; text-transform: uppercase; margin-right: 6px; }
.probe.confirmed .probe-status { color: var(--high); }
.restored { color: var(--ok); } .not-restored { color: var(--critical); font-weight: 700; }
.errors li { margin: 4px 0; }
details > summary { cursor: pointer; list-style: none; display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 12px; }
details > summary::-webkit-details-marker { display: none; }
details > summary::before { content: "▸"; color: var(--muted); } details[open] > summary::before { content: "▾"; }
details > summary .message { flex-basis: 100%; font-size: 15px; margin: 6px 0 2px; }
.rule-group h3.group, h3.group { font-size: 17px; margin: 24px 0 4px; }
h4.file { text-transform: none; letter-spacing: 0; font-size: 14px; color: var(--ink); margin: 14px 0 0; }
.toc ul { margin: 4px 0; padding-left: 20px; } .toc li { margin: 2px 0; }
.evidence { margin: 0; padding-left: 20px; font-size: 14px; }
.provenance { font-size: 13px; margin-top: 4px; }
code { overflow-wrap: anywhere; }
footer { margin-top: 32px; color: var(--muted); font-size: 13px; border-top: 1px solid var(--line); padding-top: 10px; }
@media screen and (max-width: 600px) {
  body { font-size: 14px; }
  main { padding: 12px 12px 32px; }
  .cards { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 8px; }
  table.endpoints thead { display: none; }
  table.endpoints tr { display: block; border-bottom: 1px solid var(--line); padding: 6px 0; }
  table.endpoints td { display: inline-block; border: 0; padding: 2px 8px 2px 0; }
  table.endpoints td:nth-child(2) { display: block; }
  table.silenced td, table.silenced th { padding: 4px; }
  .finding { padding: 12px; }
  .finding .where { margin-left: 0; }
  .facts { grid-template-columns: 1fr; } .facts dd { margin-bottom: 6px; }
  .trace li { padding-left: 34px; }
}
@media (prefers-color-scheme: dark) {
  :root { --ink: #e3e7ee; --muted: #9ba5b7; --line: #353c4a; --panel: #1b212d; --accent: #86aeff;
    --critical: #f06b9f; --high: #ff7a70; --medium: #f1b14a; --low: #79b0ff; --ok: #6fcf97; }
  body { background: #10141c; }
  .badge, .field.sensitive, .trace li::before { color: #10141c; }
  .field { background: #151a24; }
  .field.writable { background: #3b3316; border-color: #806a22; }
  .probe.confirmed { background: #3a1c1f; border-color: #6e2c31; }
}
@media print {
  body { font-size: 11pt; } main { max-width: none; padding: 0; }
  .finding, tr, pre { break-inside: avoid; }
  .finding header, h2 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
  .badge, .field.sensitive, .trace li::before, .card { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;
