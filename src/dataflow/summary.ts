// Function summaries: what a function does with its parameters (which sinks they reach, with what key
// filter, and how they flow to the return value), computed once and applied at every call site.
import type { Span } from '../python/ir.js';
import { restrict } from './keyset.js';
import { extend, factId, type Step, type TaintFact, type Value } from './facts.js';

/**
 * What a sink writes: a class (its model; `assumed` when only class-hierarchy analysis chose it), a
 * parameter's object (resolved by the caller; `cls` when its annotation names a class), or unknown.
 */
export type TargetRef =
  | { type: 'class'; cls: string; assumed?: boolean }
  | { type: 'param'; index: number; cls?: string }
  | { type: 'unknown' };

/** A sink reached inside a function, with the fact that reaches it. */
export interface SinkRecord {
  kind: string;
  fact: TaintFact;
  target: TargetRef;
  path: string;
  node: Span;
  /** Where the finding sits, when not at the start of `node`. */
  at?: Span;
  sinkText: string;
  targetText: string;
  /** Qualified name of the function holding the sink. */
  functionName: string;
  /** For a write inside a callee: the outermost call, in the function where request data reaches it, that leads there. */
  call?: CallLocation;
  bound?: string;
  field?: string;
  /** Fields the same function sets from server values after this write, on every path: not the caller's. */
  overwritten?: string[];
}

export interface CallLocation {
  path: string;
  node: Span;
  text: string;
  functionName: string;
}

export interface Summary {
  /** Facts the function returns; parameter-origin facts and parameter refs are substituted at call sites. */
  returns: Value;
  /** Sinks reached from parameters, or with a target that is a parameter. */
  sinks: SinkRecord[];
  /** Sinks reached by request data in this function's context: complete findings-to-be. */
  hits: SinkRecord[];
  /** Project functions this one calls. */
  callees: Set<string>;
}

/** Marks each write with the fields of its class the function overwrites after it, on every path. */
export function withOverwrites(records: SinkRecord[], path: string, overwrites: { cls: string; field: string; offset: number }[]): SinkRecord[] {
  if (overwrites.length === 0) return records;
  return records.map((r) => {
    const cls = r.target.type === 'class' ? r.target.cls : undefined;
    const fields = overwrites.filter((o) => o.cls === cls && r.path === path && o.offset > r.node.s).map((o) => o.field);
    return fields.length > 0 ? { ...r, overwritten: [...new Set([...(r.overwritten ?? []), ...fields])].sort() } : r;
  });
}

/**
 * The sinks of a summary, each once: the same sink reached with the same fact along many call paths (a helper
 * calling shared helpers, level after level) is kept with its first trace, so summaries grow with the code and
 * not with the number of paths through it.
 */
export function distinctSinks(sinks: SinkRecord[]): SinkRecord[] {
  const seen = new Set<string>();
  return sinks.filter((s) => {
    const id = `${s.path}:${s.node.s}:${s.kind}:${JSON.stringify(s.target)}:${factId(s.fact)}:${s.bound ?? ''}:${s.field ?? ''}:${s.at?.s ?? ''}:${s.call ? `${s.call.path}:${s.call.node.s}` : ''}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

export const emptySummary = (): Summary => ({ returns: [], sinks: [], hits: [], callees: new Set() });

/**
 * The facts a summary fact stands for at a call site, given the actual argument of its parameter.
 * Key filters compose (the caller's key set, then the callee's filter); traces join at the call step.
 */
export function substitute(fact: TaintFact, actual: Value, callStep: Step): TaintFact[] {
  if ('source' in fact.origin) return [{ ...fact, trace: prepend(callStep, fact.trace) }];
  const as = fact.origin.as;
  const out: TaintFact[] = [];
  for (const a of actual) {
    if (a.k === 'object') continue;
    const trace = joinTraces(a.trace, callStep, fact.trace);
    if (as === 'value') {
      if (a.k !== 'value') continue;
      if (fact.k === 'value') out.push({ ...fact, origin: a.origin, field: a.field ?? fact.field, check: strongerCheck(a.check, fact.check), trace });
      else out.push({ ...fact, origin: a.origin, trace });
      continue;
    }
    if (a.k !== 'map') continue;
    if (fact.k === 'value') out.push({ ...fact, origin: a.origin, trace });
    else out.push({ ...fact, origin: a.origin, keys: restrict(a.keys, fact.keys), bound: fact.bound ?? a.bound, trace });
  }
  return out;
}

function strongerCheck(a: 'none' | 'allowlisted' | 'held', b: 'none' | 'allowlisted' | 'held') {
  const rank = { none: 0, allowlisted: 1, held: 2 } as const;
  return rank[a] >= rank[b] ? a : b;
}

function prepend(step: Step, trace: Step[]): Step[] {
  return [step, ...trace].slice(0, 12);
}

function joinTraces(before: Step[], call: Step, after: Step[]): Step[] {
  let out = extend(before, call);
  for (const s of after) out = extend(out, s);
  return out;
}
