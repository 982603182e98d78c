// Function summaries: what a function does with its parameters (which sinks they reach, with what key
// filter, and how they flow to the return value), computed once and applied at every call site.
import type { Span } from '../python/ir.js';
import { restrict } from './keyset.js';
import { extend, factId, type Step, type TaintFact, type Value } from './facts.js';

/** What a sink writes: a class (its model), a parameter's object (resolved by the caller), or unknown. */
export type TargetRef = { type: 'class'; cls: string } | { type: 'param'; index: number } | { type: 'unknown' };

/** A sink reached inside a function, with the fact that reaches it. */
export interface SinkRecord {
  kind: string;
  fact: TaintFact;
  target: TargetRef;
  path: string;
  node: Span;
  sinkText: string;
  targetText: string;
  /** Qualified name of the function holding the sink. */
  functionName: string;
  bound?: string;
  field?: string;
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

/**
 * The sinks of a summary, each once: the same sink reached with the same fact along many call paths (a helper
 * calling shared helpers, level after level) is kept with its first trace, so summaries grow with the code and
 * not with the number of paths through it. (Added by the speed work, issue 12.)
 */
export function distinctSinks(sinks: SinkRecord[]): SinkRecord[] {
  const seen = new Set<string>();
  return sinks.filter((s) => {
    const id = `${s.path}:${s.node.s}:${s.kind}:${JSON.stringify(s.target)}:${factId(s.fact)}:${s.bound ?? ''}:${s.field ?? ''}`;
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
