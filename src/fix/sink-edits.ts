// The edits shared by rule families: a guard in a setattr loop, and the written mapping filtered
// through the allowlist at the sink; each adds the allowlist constant once.
import type { SinkHit } from '../analysis/hits.js';
import type { Fix, TextEdit } from '../result.js';
import type { Allowlist } from './allowlist.js';
import { allowlistName, callArguments, constantEdit, filteredMapping, indentOf, insertAtLine, lastCallOpen, offsetAt, replaceSpan } from './python-text.js';

export interface FixContext {
  source: string;
  lineStarts: readonly number[];
  allowlist: Allowlist;
}

const SETATTR = /^setattr\(\s*[^,]+?\s*,\s*([A-Za-z_]\w*)\s*,/;

/** `Mass-assignment fixes need a human to confirm the fields, unless the code's own contract chose them. */
const applicability = (ctx: FixContext): Fix['applicability'] => (ctx.allowlist.fromContract ? 'safe' : 'unsafe');

function withConstant(hit: SinkHit, ctx: FixContext, edits: TextEdit[]): TextEdit[] {
  return [...constantEdit(hit.location.path, ctx.source, allowlistName(hit.model!.name), ctx.allowlist.fields), ...edits];
}

/** `for key, value in data.items(): setattr(obj, key, value)` gains `if key not in ALLOWED: continue` right before the setattr. */
export function setattrGuard(hit: SinkHit, ctx: FixContext): Fix | undefined {
  const key = SETATTR.exec(hit.sinkText)?.[1];
  if (!key || !hit.model || ctx.allowlist.fields.length === 0) return undefined;
  const indent = indentOf(ctx.source, ctx.lineStarts, hit.location.line);
  const lineStart = ctx.lineStarts[hit.location.line - 1]!;
  if (indent.length !== hit.location.column - 1 || !insideLoopOver(key, ctx.source, lineStart, indent.length)) return undefined;
  const name = allowlistName(hit.model.name);
  const guard = `if ${key} not in ${name}:`;
  if (ctx.source.slice(Math.max(0, lineStart - 200), lineStart).includes(guard)) return undefined; // already guarded: the engine could not use it
  return {
    description: `Skip every key outside ${name}, the ${hit.model.name} fields a client may set`,
    applicability: applicability(ctx),
    edits: withConstant(hit, ctx, [insertAtLine(hit.location.path, hit.location.line, `${indent}${guard}\n${indent}    continue\n`)]),
  };
}

/** Whether an enclosing `for` (less indented, above) binds `key`, so `continue` is valid and skips it. */
function insideLoopOver(key: string, source: string, lineStart: number, indent: number): boolean {
  const above = source.slice(0, lineStart).split('\n').reverse();
  for (const line of above) {
    const depth = line.length - line.trimStart().length;
    if (line.trim() === '' || depth >= indent) continue;
    if (/^\s*(async\s+)?(def|class)\b/.test(line)) return false;
    if (new RegExp(`^\\s*(async\\s+)?for\\s+\\(?\\s*${key}\\b`).test(line)) return true;
    indent = depth;
  }
  return false;
}

/**
 * Keys the function itself sets on the mapping before the sink (`req["author_id"] = session["id"]`), with the
 * value written: the fix keeps them, as server values, rather than dropping what the server chose. Only a key
 * set at the sink's own indentation (on every path to it) from a value that reads neither the mapping nor the
 * request counts: a branch's key or a caller's value under a server name is the allowlist's to drop.
 */
function serverSetKeys(source: string, sinkStart: number, mapping: string): [string, string][] {
  if (!/^[A-Za-z_]\w*$/.test(mapping)) return [];
  const functionText = source.slice(source.lastIndexOf('def ', sinkStart), sinkStart);
  const sinkIndent = /^[ \t]*/.exec(source.slice(source.lastIndexOf('\n', sinkStart - 1) + 1))![0];
  const pattern = new RegExp(`^([ \\t]*)${mapping}\\[\\s*(["'])(\\w+)\\2\\s*\\]\\s*=\\s*(.+?)\\s*$`, 'gm');
  const readsCaller = new RegExp(`\\b(${mapping}|request)\\b`);
  const keys = new Map<string, string>();
  for (const match of functionText.matchAll(pattern)) {
    const [, indent, , key, value] = match as unknown as [string, string, string, string, string];
    if (indent !== sinkIndent || readsCaller.test(value)) {
      keys.delete(key);
      continue;
    }
    // a simple server value is repeated as is; anything else is read back from the mapping
    keys.set(key, /^[\w.]+(\[\s*(["'])\w+\2\s*\])?$/.test(value) ? value : `${mapping}[${JSON.stringify(key)}]`);
  }
  return [...keys];
}

/**
 * The mapping the sink writes (`Model(**data)`, `obj.__dict__.update(data)`, `query.update(data)`,
 * `.values(**data)`, `schema.load(data, ...)`) becomes `{key: value for key, value in data.items() if key in ALLOWED}`.
 */
export function filterAtSink(hit: SinkHit, ctx: FixContext, what = 'the mapping written'): Fix | undefined {
  if (!hit.model || hit.kind === 'setattr' || hit.kind === 'privilege-value' || ctx.allowlist.fields.length === 0) return undefined;
  const sink = hit.sink ?? hit.location;
  const start = offsetAt(ctx.lineStarts, sink.line, sink.column);
  const end = offsetAt(ctx.lineStarts, sink.endLine, sink.endColumn);
  const callText = ctx.source.slice(start, end);
  // the last call in the sink text is the write (`db.session.query(M).filter(...).update(data)`)
  const open = start + lastCallOpen(callText);
  const args = open >= start ? callArguments(ctx.source, start, open) : undefined;
  // every `**mapping` is filtered (`Model(**named, **data)`: which one carries the caller's keys is not in the text);
  // without one, the positional mapping (`query.update(data)`)
  const spreads = args?.filter((a) => a.text.startsWith('**')) ?? [];
  // the mapping, not the model it is written onto (`dict_to_model(Customer, data)`)
  const positional = args?.filter((a) => !/^[A-Za-z_]\w*\s*=/.test(a.text) && !a.text.startsWith('*') && a.text !== hit.model!.name).at(-1);
  const written = spreads.length > 0 ? spreads : positional ? [positional] : [];
  const name = allowlistName(hit.model.name);
  const edits = written.filter((arg) => !arg.text.includes(name)).map((arg) => {
    const expression = arg.text.replace(/^\*\*/, '');
    const kept = serverSetKeys(ctx.source, start, expression).filter(([key]) => !ctx.allowlist.fields.includes(key));
    const filtered = filteredMapping(expression, name);
    const mapping = kept.length === 0 ? filtered : `{**${filtered}, ${kept.map(([key, value]) => `${JSON.stringify(key)}: ${value}`).join(', ')}}`;
    return replaceSpan(hit.location.path, ctx.lineStarts, arg.start, arg.end, `${arg.text.startsWith('**') ? '**' : ''}${mapping}`);
  });
  if (edits.length === 0) return undefined;
  return {
    description: `Filter ${what} to ${name}, the ${hit.model.name} fields a client may set`,
    applicability: applicability(ctx),
    edits: withConstant(hit, ctx, edits),
  };
}
