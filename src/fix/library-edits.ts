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
  // the whole write (`ApiKey(..., scope=requested)`), not just the keyword the finding sits on
  const sink = hit.sink ?? hit.location;
  const sinkStart = offsetAt(ctx.lineStarts, sink.line, sink.column);
  const sinkText = ctx.source.slice(sinkStart, offsetAt(ctx.lineStarts, sink.endLine, sink.endColumn));
  const value = keywordValue(sinkText, field) ?? assignedValue(sinkText, field);
  const requested = `requested_${field}`;
  if (!value || value.includes(requested)) return undefined;
  const keyword = new RegExp(`\\b${field}\\s*=\\s*`).exec(sinkText);
  if (!keyword) return undefined;
  const valueAt = sinkStart + sinkText.indexOf(value, keyword.index + keyword[0].length);
  const indent = indentOf(ctx.source, ctx.lineStarts, sink.line);
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
      insertAtLine(sink.path, sink.line, `${check}\n`),
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

/**
 * The marshmallow schema the sink's function loads with (same module): `unknown = INCLUDE` becomes EXCLUDE
 * (imported if need be), each sensitive field it declares becomes `dump_only=True`, and an auto-schema's
 * `Meta` lists them in `dump_only`; falls back to filtering at the sink, or a guard in a setattr loop.
 */
export function marshmallowFix(hit: SinkHit, ctx: FixContext): Fix | undefined {
  const sinkAt = ctx.lineStarts[hit.location.line - 1]!;
  const functionStart = ctx.source.lastIndexOf('\ndef ', sinkAt) + 1;
  const functionText = ctx.source.slice(functionStart, ctx.source.indexOf('\n', sinkAt));
  const instances = new Map([...ctx.source.matchAll(/^([a-z_]\w*)\s*=\s*([A-Z]\w*)\(/gm)].map((m) => [m[1]!, m[2]!]));
  const referenced = (name: string) => new RegExp(`\\b${name}\\b`).test(functionText) || [...instances].some(([instance, cls]) => cls === name && new RegExp(`\\b${instance}\\b`).test(functionText));
  const schemas = classBlocks(ctx.source).filter((c) => /\((\w+\.)?(Schema|SQLAlchemyAutoSchema|SQLAlchemySchema|ModelSchema)\)/.test(c.body.split('\n')[0]!) && referenced(c.name));
  const fields = sensitiveWritten(hit, ctx);
  const edits: TextEdit[] = [];
  let excludes = false;
  for (const call of functionText.matchAll(/unknown\s*=\s*INCLUDE/g)) {
    const at = functionStart + call.index + call[0].indexOf('INCLUDE');
    edits.push(replaceSpan(hit.location.path, ctx.lineStarts, at, at + 'INCLUDE'.length, 'EXCLUDE'));
    excludes = true;
  }
  for (const schema of schemas) {
    const unknown = /(unknown\s*=\s*)INCLUDE/.exec(schema.body);
    if (unknown) {
      const at = schema.start + unknown.index + unknown[1]!.length;
      edits.push(replaceSpan(hit.location.path, ctx.lineStarts, at, at + 'INCLUDE'.length, 'EXCLUDE'));
      excludes = true;
    }
    const undeclared: string[] = [];
    for (const field of fields) {
      const declared = new RegExp(`^[ \\t]+${field}\\s*=\\s*(?:ma\\.)?fields\\.\\w+\\(`, 'm').exec(schema.body);
      if (!declared) { undeclared.push(field); continue; }
      const open = schema.start + declared.index + declared[0].length - 1;
      const args = callArguments(ctx.source, open, open);
      if (!args || args.some((a) => /^dump_only\s*=/.test(a.text))) continue;
      const close = args.length ? ctx.source.indexOf(')', args[args.length - 1]!.end) : open + 1;
      edits.push(replaceSpan(hit.location.path, ctx.lineStarts, close, close, `${args.length ? ', ' : ''}dump_only=True`));
    }
    const meta = /^([ \t]+)class Meta:\s*\n((?:\1[ \t]+.*\n?)+)/m.exec(schema.body);
    if (meta && /\bmodel\s*=/.test(meta[2]!) && undeclared.length > 0) {
      const dumpOnly = /^([ \t]+)dump_only\s*=\s*[(\[]([^)\]]*)[)\]]/m.exec(meta[2]!);
      const metaAt = schema.start + meta.index + meta[0].indexOf(meta[2]!);
      if (dumpOnly) {
        const listed = [...dumpOnly[2]!.matchAll(/["'](\w+)["']/g)].map((m) => m[1]!);
        const names = [...listed, ...undeclared.filter((f) => !listed.includes(f))];
        const at = metaAt + dumpOnly.index;
        edits.push(replaceSpan(hit.location.path, ctx.lineStarts, at, at + dumpOnly[0].length, `${dumpOnly[1]}dump_only = (${names.map((n) => JSON.stringify(n)).join(', ')},)`));
      } else {
        const indent = /^([ \t]+)/.exec(meta[2]!)![1]!;
        const lineEnd = ctx.source.indexOf('\n', metaAt + meta[2]!.search(/model\s*=/)) + 1;
        edits.push(replaceSpan(hit.location.path, ctx.lineStarts, lineEnd, lineEnd, `${indent}dump_only = (${undeclared.map((n) => JSON.stringify(n)).join(', ')},)\n`));
      }
    }
  }
  if (excludes && !/^from marshmallow import [^\n]*\bEXCLUDE\b/m.test(ctx.source)) {
    const from = /^from marshmallow import ([^\n(]+)$/m.exec(ctx.source);
    if (!from) return filterAtSink(hit, ctx, 'the data loaded') ?? setattrGuard(hit, ctx);
    const at = from.index + from[0].length;
    edits.push(replaceSpan(hit.location.path, ctx.lineStarts, at, at, ', EXCLUDE'));
  }
  if (edits.length > 0) {
    return { description: `Make the schema strict: ${[excludes ? 'unknown fields excluded' : '', fields.length ? `${fields.join(', ')} dump_only` : ''].filter(Boolean).join(', ')}`, applicability: 'unsafe', edits };
  }
  return filterAtSink(hit, ctx, 'the data loaded') ?? setattrGuard(hit, ctx);
}
