// Value operations the interpreter shares: building dicts from entries, reading members, set
// intersection, what a collection's elements are bounded by, and which object a sink writes.
import type { Expr } from '../python/ir.js';
import { ANY, intersect, only, subtract, type KeySet } from './keyset.js';
import { constantStrings, extend, obj, ofKind, refs, union, type Fact, type Step, type TaintFact, type Value } from './facts.js';
import type { TargetRef } from './summary.js';

/** One `key: value` of a dict being built: caller-chosen keys make the mapping's keys; a constant key with a caller value adds that key. */
export function dictEntry(key: Value, value: Value, step: Step): Fact[] {
  const out: Fact[] = [];
  for (const f of ofKind(key, 'key')) out.push({ k: 'map', origin: f.origin, keys: f.keys, trace: extend(f.trace, step), bound: f.bound });
  const strings = constantStrings(key);
  if (strings) {
    for (const v of ofKind(value, 'value')) out.push({ k: 'map', origin: v.origin, keys: only(strings), trace: extend(v.trace, step) });
  }
  return out;
}

/** `data['x']`: the caller's value, which may itself be a nested mapping of caller-chosen keys. */
export function memberOf(f: Extract<TaintFact, { k: 'map' }>, field: string | null, step: Step): TaintFact[] {
  const trace = extend(f.trace, step);
  const value: TaintFact = { k: 'value', origin: f.origin, field, trace, check: 'none' };
  return 'source' in f.origin ? [value, { k: 'map', origin: f.origin, keys: ANY, trace }] : [value];
}

/** `a & b`: each side's elements are bounded by the other's (an allowlist, or the caller's own grants). */
export function intersection(left: Value, right: Value): Value {
  const out: Fact[] = [];
  for (const [side, other] of [[left, right], [right, left]] as const) {
    const bound = elementBound(other);
    const server = isServerState(other);
    for (const f of side) {
      if (f.k === 'value') out.push(bound ? { ...f, check: f.check === 'held' ? 'held' : 'allowlisted' } : server ? { ...f, check: 'held' } : f);
      else if ((f.k === 'keys' || f.k === 'key') && bound) out.push({ ...f, keys: intersect(f.keys, bound) });
      else if (f.k === 'object' && f.ref.type === 'strings') out.push(bound ? obj({ ...f.ref, values: new Set([...f.ref.values].filter((v) => bound.has(v))) }) : f);
      else if (f.k !== 'object') out.push(f);
    }
  }
  return union(out);
}

/**
 * The strings a collection's elements are bounded by: its constant strings and caller key names
 * already bounded by an allowlist. Null when any element may be anything the caller sends.
 */
export function elementBound(value: Value): Set<string> | null {
  if (value.length === 0) return null;
  const out = new Set<string>();
  for (const f of value) {
    if (f.k === 'object' && f.ref.type === 'strings') for (const s of f.ref.values) out.add(s);
    else if ((f.k === 'keys' || f.k === 'key') && f.keys.kind === 'only') for (const s of f.keys.keys) out.add(s);
    else if (f.k === 'value' && f.check !== 'none') continue;
    else return null;
  }
  return out;
}

/** A collection that does not come from the request (the caller's own grants on a server-side record). */
export function isServerState(value: Value): boolean {
  return value.length > 0 && value.every((f) => (f.k === 'object' ? f.ref.type !== 'strings' : 'param' in f.origin));
}

export function restrictKeys(keys: KeySet, filter: KeySet): KeySet {
  return filter.kind === 'only' ? intersect(keys, filter.keys) : filter.kind === 'anyBut' ? subtract(keys, filter.keys) : keys;
}

/** The object a sink writes, as the summary records it: a parameter first (the caller knows more), else a class. */
export function targetOf(value: Value): TargetRef {
  return targetsOf(value)[0] ?? { type: 'unknown' };
}

/**
 * Every object a sink may write: the parameter it came in as (the caller resolves it), or else each
 * candidate class once (a registry of classes, or the classes class-hierarchy analysis assumed).
 */
export function targetsOf(value: Value): TargetRef[] {
  const rs = refs(value);
  const classes = new Map<string, boolean>();
  for (const r of rs) {
    const cls = r.type === 'instance' || r.type === 'class' ? r.cls : r.type === 'tagged' ? r.cls : undefined;
    const assumed = r.type === 'instance' && r.assumed === true;
    if (cls && (!classes.has(cls) || !assumed)) classes.set(cls, (classes.get(cls) ?? true) && assumed);
  }
  const param = rs.find((r) => r.type === 'param');
  if (param && param.type === 'param') {
    const cls = [...classes.keys()][0];
    return [{ type: 'param', index: param.index, ...(cls ? { cls } : {}) }];
  }
  return [...classes].map(([cls, assumed]) => ({ type: 'class', cls, ...(assumed ? { assumed } : {}) }));
}

export function nameOf(expr: Expr): string | undefined {
  if (expr.t === 'name') return expr.id;
  if (expr.t === 'call' && expr.fn.t === 'name' && /^(set|list|frozenset|sorted|tuple)$/.test(expr.fn.id) && expr.args[0]) return nameOf(expr.args[0].value);
  return undefined;
}

export function unwrapSetCall(expr: Expr): Expr {
  return expr.t === 'call' && expr.fn.t === 'name' && /^(set|frozenset|list)$/.test(expr.fn.id) && expr.args[0] ? expr.args[0].value : expr;
}
