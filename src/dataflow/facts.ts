// The abstract values the interpreter tracks: taint facts (caller-chosen keys, key names and values,
// each with its origin, key set and trace) and object facts (what a name refers to: a class, an instance,
// a function, a module, an outside name). A value is a list of facts.
import { join, type KeySet } from './keyset.js';

/** One step of a trace: where (module path and source range); its note is that code, unless given. */
export interface Step {
  path: string;
  offset: number;
  end: number;
  note?: string;
}

/** Where a taint fact comes from: a request source read here, or parameter `index` of the function analysed. */
export type Origin =
  | { source: string }
  | { param: number; as: 'map' | 'value' };

/** The library whose declared fields bounded a key set (set by library models, read by rules). */
export type Bound = string;

export type TaintFact =
  /** A mapping whose keys the caller chooses (within `keys`). */
  | { k: 'map'; origin: Origin; keys: KeySet; trace: Step[]; bound?: Bound }
  /** An iterable of caller-chosen key names (`data.keys()`, or a mapping being iterated). */
  | { k: 'keys'; origin: Origin; keys: KeySet; trace: Step[]; bound?: Bound }
  /** An iterable of (caller-chosen key, caller value) pairs: `data.items()`. */
  | { k: 'items'; origin: Origin; keys: KeySet; trace: Step[]; bound?: Bound }
  /** One caller-chosen key name. */
  | { k: 'key'; origin: Origin; keys: KeySet; trace: Step[]; bound?: Bound }
  /** A caller-chosen value; `field` is the key it was sent under, when known. `check` records server-side checks. */
  | { k: 'value'; origin: Origin; field: string | null; trace: Step[]; check: ValueCheck };

export type ValueCheck = 'none' | 'allowlisted' | 'held';

export type ObjectRef =
  | { type: 'class'; cls: string }
  /** `assumed`: the class was chosen by class-hierarchy analysis for an object of unknown class. */
  | { type: 'instance'; cls: string; payload?: TaintFact[]; assumed?: boolean }
  | { type: 'function'; fn: string; boundSelf?: Value }
  | { type: 'module'; module: string }
  /** A name from outside the project, as an access path: `flask.request.get_json`, `flask_sqlalchemy.SQLAlchemy().Model`. */
  | { type: 'external'; path: string }
  /** The object passed as parameter `index` (for sink targets inside summaries). */
  | { type: 'param'; index: number }
  /** Constant strings this value may be (a literal, or any element of a constant collection). */
  | { type: 'strings'; values: ReadonlySet<string>; collection: boolean }
  /** A container of objects (a registry dict of classes): subscripts and lookups give `of`. */
  | { type: 'elements'; of: Value }
  /** An object a library model made and reads back (a query over a model, a schema, a request parser). */
  | { type: 'tagged'; tag: string; cls?: string; data?: unknown };

export type Fact = TaintFact | { k: 'object'; ref: ObjectRef };

export type Value = readonly Fact[];

export const EMPTY: Value = Object.freeze([]) as Value;

export const obj = (ref: ObjectRef): Fact => ({ k: 'object', ref });

/** Steps an outside access path may grow to (`a.b().c` is five). */
const MAX_OUTSIDE_STEPS = 16;

/**
 * The outside object one step (`.name`, a call `()` or a subscript `[]`) past `path`. The path stays as it is
 * once it would name a member a third time, call or subscript twice in a row, or exceed MAX_OUTSIDE_STEPS, so a
 * loop or recursion through outside objects (`conn = conn.cursor().fetchall()`) reaches a fixpoint.
 */
export function outside(path: string, step: string): Fact {
  const grown = `${path}${step}`;
  const steps = stepCount(grown);
  const saturated = step.startsWith('.') ? memberCount(path, step) >= 2 : path.endsWith(step);
  return obj({ type: 'external', path: saturated || steps > MAX_OUTSIDE_STEPS ? path : grown });
}

/** The steps of an access path: its `.`, `(` and `[` characters (the first name is none). */
function stepCount(path: string): number {
  let count = 0;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === 0x2e || c === 0x28 || c === 0x5b) count++;
  }
  return count;
}

/** How often `.name` occurs in a path as a whole member. */
function memberCount(path: string, member: string): number {
  let count = 0;
  for (let at = path.indexOf(member); at >= 0; at = path.indexOf(member, at + member.length)) {
    const next = path[at + member.length];
    if (next === undefined || next === '.' || next === '(' || next === '[') count++;
  }
  return count;
}

export function taints(value: Value): TaintFact[] {
  return value.filter((f): f is TaintFact => f.k !== 'object');
}

export function refs(value: Value): ObjectRef[] {
  const out: ObjectRef[] = [];
  for (const f of value) if (f.k === 'object') out.push(f.ref);
  return out;
}

export function ofKind<K extends TaintFact['k']>(value: Value, k: K): Extract<TaintFact, { k: K }>[] {
  return value.filter((f): f is Extract<TaintFact, { k: K }> => f.k === k);
}

/** The constant strings a value may hold, or null when any of its facts is not a constant string. */
export function constantStrings(value: Value): Set<string> | null {
  if (value.length === 0) return null;
  const out = new Set<string>();
  for (const f of value) {
    if (f.k !== 'object' || f.ref.type !== 'strings') return null;
    for (const s of f.ref.values) out.add(s);
  }
  return out;
}

const MAX_FACTS = 24;
const MAX_TRACE = 12;
/** Value facts of one origin kept apart by field before they widen to one fact of any field. */
const MAX_FIELDS_PER_ORIGIN = 8;

/**
 * Union of values, without duplicate facts. Past MAX_FACTS it widens instead of dropping: key facts
 * of one kind and origin join their key sets, value facts of one origin forget their field, so loops
 * and recursion converge and no fact is lost whatever order the values come in.
 */
export function union(...values: Value[]): Value {
  let first = EMPTY;
  let others = false;
  for (const v of values) {
    if (v.length === 0 || v === first) continue;
    if (first.length === 0) first = v;
    else others = true;
  }
  // one value, or the same value several times (a name neither branch of an `if` changed)
  if (!others) return first;
  const out: Fact[] = [];
  const seen = new Set<string>();
  for (const v of values) {
    for (const f of v) {
      const id = factId(f);
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(f);
    }
  }
  return out.length > MAX_FACTS ? widen(out) : out;
}

function widen(facts: Fact[]): Fact[] {
  const keyed = new Map<string, Exclude<TaintFact, { k: 'value' }>>();
  const values = new Map<string, Extract<TaintFact, { k: 'value' }>[]>();
  const out: Fact[] = [];
  for (const f of facts) {
    if (f.k === 'object') out.push(f);
    else if (f.k === 'value') {
      const id = `${originId(f.origin)}:${f.check}`;
      values.set(id, [...(values.get(id) ?? []), f]);
    } else {
      const id = `${f.k}:${originId(f.origin)}:${f.bound ?? ''}`;
      const known = keyed.get(id);
      keyed.set(id, known ? { ...known, keys: join(known.keys, f.keys) } : f);
    }
  }
  out.push(...keyed.values());
  for (const group of values.values()) {
    out.push(...(group.length > MAX_FIELDS_PER_ORIGIN ? [{ ...group[0]!, field: null }] : group));
  }
  return out;
}

function originId(origin: Origin): string {
  return 'source' in origin ? `s:${origin.source}` : `p:${origin.param}:${origin.as}`;
}

/** Facts are never changed once made, so each one's identity is computed once. */
const factIds = new WeakMap<Fact, string>();

/** Identity of a fact for de-duplication: kind, origin, key set and the object referred to, not the trace. */
export function factId(f: Fact): string {
  let id = factIds.get(f);
  if (id === undefined) factIds.set(f, (id = describeFact(f)));
  return id;
}

function describeFact(f: Fact): string {
  if (f.k === 'object') return `o:${refId(f.ref)}`;
  const origin = originId(f.origin);
  if (f.k === 'value') return `v:${origin}:${f.field}:${f.check}`;
  const keys = f.keys.kind === 'only' || f.keys.kind === 'anyBut' ? `${f.keys.kind}(${[...f.keys.keys].sort()})` : f.keys.kind;
  return `${f.k}:${origin}:${keys}:${f.bound ?? ''}`;
}

/** A value's facts without traces, in a canonical order: equal when two values say the same. */
export function valueId(value: Value): string {
  return value.map(factId).sort().join('|');
}

function refId(ref: ObjectRef): string {
  switch (ref.type) {
    case 'class':
    case 'instance':
      return `${ref.type}:${ref.cls}:${ref.type === 'instance' && ref.payload ? ref.payload.map(factId).join('|') : ''}${ref.type === 'instance' && ref.assumed ? ':assumed' : ''}`;
    case 'function':
      return `fn:${ref.fn}`;
    case 'module':
      return `mod:${ref.module}`;
    case 'external':
      return `ext:${ref.path}`;
    case 'param':
      return `param:${ref.index}`;
    case 'strings':
      return `str:${[...ref.values].sort().join(',')}:${ref.collection}`;
    case 'tagged':
      return `tag:${ref.tag}:${ref.cls ?? ''}`;
    case 'elements':
      return `elements:${valueId(ref.of)}`;
  }
}

/** Appends a step to a trace, keeping it short: the first steps and the last ones matter most. */
export function extend(trace: Step[], step: Step): Step[] {
  const last = trace[trace.length - 1];
  if (last && last.offset === step.offset && last.path === step.path) return trace;
  const next = [...trace, step];
  return next.length > MAX_TRACE ? [...next.slice(0, 3), ...next.slice(next.length - (MAX_TRACE - 3))] : next;
}

export function withStep<F extends TaintFact>(f: F, step: Step): F {
  return { ...f, trace: extend(f.trace, step) };
}
