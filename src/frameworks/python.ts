// Python's own attribute-writing calls as sinks: setattr with a caller-chosen name, obj.__dict__.update,
// vars(obj).update, and `obj.field = value` (a caller value written to a named field); typing.cast's class.
import { constantStrings, obj, ofKind, refs, taints, type Value } from '../dataflow/facts.js';
import { only } from '../dataflow/keyset.js';
import type { LibraryModel } from '../dataflow/library.js';
import { isExternal, tagged } from './access.js';
import type { Expr } from '../python/ir.js';

const DICT_OF = 'python.__dict__';

/** `obj` of `obj.__dict__` or `vars(obj)`: the object whose attributes are written. */
function ownerOf(expr: Expr | undefined): Expr | undefined {
  if (expr?.t === 'attr' && expr.name === '__dict__') return expr.obj;
  if (expr?.t === 'call' && expr.args[0]) return expr.args[0].value;
  return expr;
}

export function pythonModel(): LibraryModel {
  return {
    name: 'python',
    attribute(base, name) {
      if (name !== '__dict__') return undefined;
      // an object, a parameter (which may be one), or a value we know nothing of; not request data or a string
      const isObject = base.length === 0 || refs(base).some((r) => r.type !== 'strings' && r.type !== 'module');
      return isObject ? [obj({ type: 'tagged', tag: DICT_OF, data: base })] : undefined;
    },
    call(site) {
      // typing.cast(Model, value): the code says which class the value is
      if (isExternal(site.callee, 'typing.cast') && site.args.length >= 2) {
        const classes = refs(site.args[0]!).flatMap((r) => (r.type === 'class' ? [obj({ type: 'instance', cls: r.cls })] : []));
        return [...site.args[1]!, ...classes];
      }
      if (isExternal(site.callee, 'builtins.setattr') && site.args.length >= 3) {
        const [target, name, value] = site.args as [Value, Value, Value];
        const keys = ofKind(name, 'key');
        const targetNode = site.expr.args[0]?.value;
        if (keys.length > 0) site.report({ kind: 'setattr', facts: keys, target, node: site.expr, targetNode });
        const names = constantStrings(name);
        const values = ofKind(value, 'value');
        if (names && values.length > 0) {
          // one named field takes a caller value; a loop over a constant list of names is an allowlist
          if (names.size === 1) site.report({ kind: 'field-value', facts: values, target, node: site.expr, targetNode, field: [...names][0] });
          else site.report({ kind: 'setattr', facts: values.map((v) => ({ k: 'map', origin: v.origin, keys: only(names), trace: v.trace })), target, node: site.expr, targetNode });
        }
        return [];
      }
      if (site.method === 'update' && site.receiver) {
        for (const dict of tagged(site.receiver, DICT_OF)) {
          const facts = [...site.args, ...site.spread].flatMap((v) => ofKind(v, 'map'));
          if (facts.length > 0) site.report({ kind: 'dict-update', facts, target: dict.data as Value, node: site.expr, targetNode: ownerOf(site.receiverExpr) });
        }
      }
      return undefined;
    },
    assignAttribute(target, name, value, site) {
      const values = taints(value).filter((f) => f.k === 'value');
      if (values.length === 0 || refs(target).length === 0) return;
      site.report({ kind: 'field-value', facts: values, target, node: site.node, targetNode: site.targetExpr, field: name });
    },
  };
}
