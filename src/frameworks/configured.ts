// What a user's config names by qualified name: sanitizers (their result carries no caller-chosen
// keys, e.g. a project's own allowlist helper) and sinks (setattr-style helpers that copy every key of
// a mapping argument onto their first argument, in code massassign does not read).
import { ofKind, refs, type Value } from '../dataflow/facts.js';
import type { LibraryModel } from '../dataflow/library.js';

export function configuredModel(sanitizers: readonly string[], sinks: readonly string[]): LibraryModel {
  if (sanitizers.length === 0 && sinks.length === 0) return { name: 'configured' };
  const named = (names: Set<string>, callee: Value) => refs(callee).some((r) => (r.type === 'function' && names.has(r.fn)) || (r.type === 'external' && names.has(r.path)));
  const sanitizerNames = new Set(sanitizers);
  const sinkNames = new Set(sinks);
  return {
    name: 'configured',
    call(site) {
      if (named(sinkNames, site.callee) && site.args[0]) {
        const facts = [...site.args.slice(1), ...site.spread].flatMap((v) => ofKind(v, 'map'));
        if (facts.length > 0) site.report({ kind: 'setattr', facts, target: site.args[0], node: site.expr, targetNode: site.expr.args[0]?.value });
      }
      return named(sanitizerNames, site.callee) ? [] : undefined;
    },
  };
}
