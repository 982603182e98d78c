// Fixes that edit what a library declares rather than the sink: a pydantic request model made strict,
// a reqparse argument removed, a client-chosen scope checked against the allowed ones and the caller's own.
import type { SinkHit } from '../analysis/hits.js';
import { reachable } from '../dataflow/keyset.js';
import type { Fix, TextEdit } from '../result.js';
import { callArguments, indentOf, insertAtLine, lastCallOpen, offsetAt, replaceSpan } from './python-text.js';
import { filterAtSink, setattrGuard, type FixContext } from './sink-edits.js';

interface ClassBlock {
  name: string;
  start: number;
  end: number;
  body: string;
}

/** The top-level classes of a module, by their text span. */
function classBlocks(source: string): ClassBlock[] {
  const blocks: ClassBlock[] = [];
  const pattern = /^class\s+([A-Za-z_]\w*)\s*(\([^)]*\))?\s*:/gm;
  for (let match = pattern.exec(source); match; match = pattern.exec(source)) {
    const start = match.index;
    const next = /^\S/m;
    const rest = source.slice(start + match[0].length);
    const lines = rest.split('\n');
    let length = match[0].length;
    for (let i = 0; i < lines.length; i++) {
      if (i > 0 && next.test(lines[i]!) && !lines[i]!.startsWith('#')) break;
      length += lines[i]!.length + 1;
    }
    blocks.push({ name: match[1]!, start, end: Math.min(source.length, start + length), body: source.slice(start, start + length) });
  }
  return blocks;
}

/** Deletes the whole lines `[start, end)` covers. */
function deleteLines(hit: SinkHit, ctx: FixContext, start: number, end: number): TextEdit {
  const lineStart = ctx.source.lastIndexOf('\n', start - 1) + 1;
  const newline = ctx.source.indexOf('\n', end);
  const lineEnd = newline < 0 ? ctx.source.length : newline + 1;
  return replaceSpan(hit.location.path, ctx.lineStarts, lineStart, lineEnd, '');
}

/**
 * The pydantic model the trace passes through (same module): `extra` allowed becomes ignored, and each
 * sensitive field it declares is removed; falls back to filtering at the sink.
 */
export function pydanticFix(hit: SinkHit, ctx: FixContext): Fix | undefined {
  const sinkAt = ctx.lineStarts[hit.location.line - 1]!;
  const functionText = ctx.source.slice(ctx.source.lastIndexOf('def ', sinkAt), sinkAt);
  const block = classBlocks(ctx.source).find((c) => new RegExp(`\\b${c.name}\\b`).test(functionText) && /BaseModel|extra\s*=|model_config/.test(c.body));
  const fields = sensitiveWritten(hit, ctx);
  if (block) {
    const edits: TextEdit[] = [];
    const extra = /(extra\s*=\s*)(Extra\.allow|["']allow["'])/.exec(block.body);
    if (extra) {
      const at = block.start + extra.index + extra[1]!.length;
      const ignored = extra[2]!.startsWith('Extra') ? 'Extra.ignore' : `${extra[2]![0]}ignore${extra[2]![0]}`;
      edits.push(replaceSpan(hit.location.path, ctx.lineStarts, at, at + extra[2]!.length, ignored));
    }
    for (const field of fields) {
      const declared = new RegExp(`^[ \\t]+${field}\\s*:[^\\n]*`, 'm').exec(block.body);
      if (declared) edits.push(deleteLines(hit, ctx, block.start + declared.index, block.start + declared.index + declared[0].length));
    }
    if (edits.length > 0) {
      return { description: `Make ${block.name} strict: ignore extra fields and stop declaring ${fields.join(', ') || 'sensitive fields'}`, applicability: 'unsafe', edits };
    }
  }
  return filterAtSink(hit, ctx, 'the validated body');
}

/** The sensitive fields of the hit's model that the caller's keys reach. */
function sensitiveWritten(hit: SinkHit, ctx: FixContext): string[] {
  const sensitive = (hit.model?.fields ?? []).filter((f) => f.sensitive && !ctx.allowlist.fields.includes(f.name)).map((f) => f.name);
  return reachable(hit.keys, sensitive);
}

/** Each `parser.add_argument("<sensitive field>", ...)` statement in this module is removed; else filters at the sink. */
export function reqparseFix(hit: SinkHit, ctx: FixContext): Fix | undefined {
  const edits: TextEdit[] = [];
  const removed: string[] = [];
  for (const field of sensitiveWritten(hit, ctx)) {
    const pattern = new RegExp(`^[ \\t]*[\\w.]+\\.add_argument\\(\\s*["']${field}["']`, 'gm');
    for (let match = pattern.exec(ctx.source); match; match = pattern.exec(ctx.source)) {
      const open = ctx.source.indexOf('(', match.index);
      const args = callArguments(ctx.source, match.index, open);
      const close = args ? ctx.source.indexOf(')', args[args.length - 1]!.end) : -1;
      if (close < 0) continue;
      edits.push(deleteLines(hit, ctx, match.index, close));
      if (!removed.includes(field)) removed.push(field);
    }
  }
  if (edits.length > 0) return { description: `Remove the parser arguments ${removed.join(', ')}: the server sets them`, applicability: 'unsafe', edits };
  return filterAtSink(hit, ctx, 'the parsed arguments') ?? setattrGuard(hit, ctx);
}

/**
 * Before the write, the requested value is checked against what the caller itself holds (and the module's
 * `*_SCOPES` / `*_ROLES` constant when it has one), and the write stores the checked value. Unsafe when the
 * caller's key is `g.api_key` in this module; shown only (display-only) when the code names its caller another way.
 */
export function scopeCheckFix(hit: SinkHit, ctx: FixContext): Fix | undefined {
  const field = hit.field;
  if (!field) return undefined;
  const sinkStart = offsetAt(ctx.lineStarts, hit.location.line, hit.location.column);
  const sinkText = ctx.source.slice(sinkStart, offsetAt(ctx.lineStarts, hit.location.endLine, hit.location.endColumn));
  const value = keywordValue(sinkText, field) ?? assignedValue(sinkText, field);
  const requested = `requested_${field}`;
  if (!value || value.includes(requested)) return undefined;
  const keyword = new RegExp(`\\b${field}\\s*=\\s*`).exec(sinkText);
  if (!keyword) return undefined;
  const valueAt = sinkStart + sinkText.indexOf(value, keyword.index + keyword[0].length);
  const indent = indentOf(ctx.source, ctx.lineStarts, hit.location.line);
  const allowed = /^([A-Z][A-Z0-9_]*(SCOPES|ROLES|PERMISSIONS))\s*=/m.exec(ctx.source)?.[1];
  const callerKey = /\bg\.api_key\b/.test(ctx.source);
  const held = callerKey ? `set(g.api_key.${/\bg\.api_key\.scope\b/.test(ctx.source) ? 'scope' : field}.split())` : 'CALLER_GRANTS';
  const conditions = [...(allowed ? [`not ${requested} <= set(${allowed})`] : []), `not ${requested} <= ${held}`];
  const check = [
    `${indent}${requested} = set(str(${value}).split())`,
    `${indent}if ${conditions.join(' or ')}:`,
    `${indent}    abort(403)`,
  ].join('\n');
  return {
    description: `Refuse a ${field} the caller does not hold itself${allowed ? ` or outside ${allowed}` : ''}, and store the checked value`,
    applicability: callerKey && /\babort\b/.test(ctx.source) ? 'unsafe' : 'display-only',
    edits: [
      insertAtLine(hit.location.path, hit.location.line, `${check}\n`),
      replaceSpan(hit.location.path, ctx.lineStarts, valueAt, valueAt + value.length, `" ".join(sorted(${requested}))`),
    ],
  };
}

/** `Model(field=EXPR, ...)` -> `EXPR`. */
function keywordValue(sinkText: string, field: string): string | undefined {
  const open = lastCallOpen(sinkText);
  const args = open >= 0 ? callArguments(sinkText, 0, open) : undefined;
  const arg = args?.find((a) => new RegExp(`^${field}\\s*=[^=]`).test(a.text));
  return arg?.text.replace(/^\w+\s*=\s*/, '');
}

/** `obj.field = EXPR` -> `EXPR`. */
function assignedValue(sinkText: string, field: string): string | undefined {
  return new RegExp(`^[\\w.\\[\\]"']*\\b${field}\\s*=\\s*(.+)$`).exec(sinkText.trim())?.[1];
}
