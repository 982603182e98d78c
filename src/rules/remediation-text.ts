// Pieces every rule's remediation is written from: the allowlist constant the fix adds, code set as a
// Markdown block, and the clause naming the fields that stop coming from the caller.
import type { SinkHit } from '../analysis/hits.js';
import { allowlistFor } from '../fix/allowlist.js';
import { allowlistName, callArguments, lastCallOpen, pythonSet } from '../fix/python-text.js';

/** `SERVICE_CONFIG_CLIENT_FIELDS = {"display_name"}`, the constant the fix would add. */
export function allowlistLine(hit: SinkHit): { name: string; line: string; fields: string[] } {
  const name = hit.model ? allowlistName(hit.model.name) : 'CLIENT_FIELDS';
  const fields = allowlistFor(hit)?.fields ?? [];
  return { name, fields, line: `${name} = ${fields.length ? pythonSet(fields) : '{"<fields a client may set>"}'}` };
}

/** `, so a, b can no longer come from the caller`, or nothing. */
export function blockedClause(fields: readonly string[]): string {
  return fields.length > 0 ? `, so ${fields.join(', ')} can no longer come from the caller` : '';
}

/** Code lines indented four spaces, as in Markdown, so reporters can set them as code. */
export function codeBlock(text: string): string {
  return text.split('\n').map((line) => `    ${line}`).join('\n');
}

/** `the sensitive fields` when none are named. */
export const fieldsOrSensitive = (fields: readonly string[]) => (fields.length ? fields.join(', ') : 'the sensitive fields');

/** The mapping expression the sink writes, in the code's own words (`body.dict()`, `user_data`), or `data`. */
export function writtenMapping(hit: SinkHit): string {
  const open = lastCallOpen(hit.sinkText);
  const args = open >= 0 ? callArguments(hit.sinkText, 0, open) : undefined;
  const written = args?.find((a) => a.text.startsWith('**')) ?? args?.find((a) => !/^[A-Za-z_]\w*\s*=/.test(a.text) && !a.text.startsWith('*'));
  return written ? written.text.replace(/^\*\*/, '') : 'data';
}
