// Calls into project functions: binding a call's arguments to parameters, and substituting them into summary facts.
import type { FunctionInfo } from '../semantic/project.js';
import type { CallSite } from './library.js';
import { EMPTY, obj, ofKind, union, type Fact, type Step, type TaintFact, type Value } from './facts.js';
import { substitute } from './summary.js';
import { dictEntry } from './values.js';

/** Maps a call's arguments onto a function's parameters, by position, keyword, `**kwargs` and `**spread`. */
export function bindArguments(fn: FunctionInfo, boundSelf: Value | undefined, site: CallSite): Value[] {
  const params = fn.def.params;
  const actuals: Value[] = params.map(() => EMPTY);
  let position = 0;
  if (boundSelf && (fn.kind === 'method' || fn.kind === 'classmethod') && params[0]) {
    actuals[0] = boundSelf;
    position = 1;
  }
  for (const arg of site.args) {
    const p = params[position];
    if (!p || p.kind !== 'positional') break;
    actuals[position++] = arg;
  }
  const extra: Value[] = [];
  for (const [name, value] of site.kwargs) {
    const index = params.findIndex((p) => p.name === name && (p.kind === 'positional' || p.kind === 'keyword'));
    if (index >= 0) actuals[index] = value;
    else extra.push(dictEntry([obj({ type: 'strings', values: new Set([name]), collection: false })], value, site.step(site.expr)));
  }
  const spreadMaps = site.spread.flatMap((v) => ofKind(v, 'map'));
  params.forEach((p, index) => {
    if ((p.kind === 'positional' || p.kind === 'keyword') && actuals[index]!.length === 0 && spreadMaps.length > 0) {
      actuals[index] = spreadMaps.map((m) => ({ k: 'value', origin: m.origin, field: p.name, trace: m.trace, check: 'none' }) as Fact);
    }
  });
  const kwargsIndex = params.findIndex((p) => p.kind === 'kwargs');
  if (kwargsIndex >= 0) actuals[kwargsIndex] = union(...extra, spreadMaps);
  return actuals;
}

export function substituteFact(fact: TaintFact, actuals: Value[], callStep: Step): TaintFact[] {
  if ('source' in fact.origin) return substitute(fact, EMPTY, callStep);
  return substitute(fact, actuals[fact.origin.param] ?? EMPTY, callStep);
}
