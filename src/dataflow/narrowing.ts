// Narrowing at branches: what a test tells about the caller's keys and values on the branch it guards:
// allowlists and denylists bound key names; membership in a constant or in the caller's own grants
// marks a value checked. `hasattr`, `startswith` and "is it a column" tests tell nothing.
import type { Expr, Span } from '../python/ir.js';
import { anyBut, intersect, only, subtract, type KeySet } from './keyset.js';
import { constantStrings, withStep, type Step, type Value } from './facts.js';
import { elementBound, isServerState, nameOf, unwrapSetCall } from './values.js';

export interface NarrowingScope {
  readonly env: Map<string, Value>;
  evaluate(expr: Expr): Value;
  step(node: Span): Step;
}

export class Narrowing {
  constructor(private readonly scope: NarrowingScope) {}

  /** Narrows the environment as if `test` evaluated to `truthy`: allowlists, denylists and value checks. */
  narrow(test: Expr, truthy: boolean): void {
    switch (test.t) {
      case 'not':
        this.narrow(test.value, !truthy);
        return;
      case 'bool':
        if ((test.op === 'and') === truthy) {
          this.narrow(test.left, truthy);
          this.narrow(test.right, truthy);
        }
        return;
      case 'cmp':
        this.narrowComparison(test, truthy);
        return;
      case 'call':
        this.narrowCall(test, truthy);
        return;
      default:
        return;
    }
  }

  private narrowComparison(test: Extract<Expr, { t: 'cmp' }>, truthy: boolean): void {
    const { op } = test;
    if (op === 'in' || op === 'not in') {
      const positive = (op === 'in') === truthy;
      this.narrowMembership(test.left, test.right, positive, test);
      return;
    }
    if (op === '==' || op === '!=' || op === 'is' || op === 'is not') {
      const positive = (op === '==' || op === 'is') === truthy;
      const [name, other] = test.left.t === 'name' ? [test.left, test.right] : [test.right, test.left];
      if (name.t !== 'name') return;
      const strings = constantStrings(this.scope.evaluate(other));
      if (!strings) return;
      this.narrowKeys(name.id, positive ? only(strings) : anyBut(strings), test);
      if (positive) this.markChecked(name.id, 'allowlisted');
      return;
    }
    if ((op === '<=' || op === '<') && truthy) this.narrowSubset(test.left, test.right);
    if ((op === '>=' || op === '>') && truthy) this.narrowSubset(test.right, test.left);
  }

  /** `k in ALLOWED` keeps ALLOWED; `k not in DENY` drops DENY; `v in caller.scopes` marks v held. */
  private narrowMembership(item: Expr, collection: Expr, positive: boolean, node: Span): void {
    const name = nameOf(item);
    if (!name) return;
    const coll = this.scope.evaluate(collection);
    const strings = elementBound(coll);
    if (strings) {
      this.narrowKeys(name, positive ? only(strings) : anyBut(strings), node);
      if (positive) this.markChecked(name, 'allowlisted');
      return;
    }
    if (positive && isServerState(coll)) this.markChecked(name, 'held');
  }

  private narrowSubset(smaller: Expr, larger: Expr): void {
    const name = nameOf(smaller);
    if (!name) return;
    const coll = this.scope.evaluate(unwrapSetCall(larger));
    if (constantStrings(coll)) this.markChecked(name, 'allowlisted');
    else if (isServerState(coll)) this.markChecked(name, 'held');
  }

  private narrowCall(test: Extract<Expr, { t: 'call' }>, truthy: boolean): void {
    if (!truthy) return;
    // requested.issubset(allowed), set(requested) <= ... handled above; all(s in X for s in requested)
    if (test.fn.t === 'attr' && (test.fn.name === 'issubset' || test.fn.name === 'issuperset') && test.args[0]) {
      const [small, large] = test.fn.name === 'issubset' ? [test.fn.obj, test.args[0].value] : [test.args[0].value, test.fn.obj];
      this.narrowSubset(small, large);
      return;
    }
    if (test.fn.t === 'name' && test.fn.id === 'all' && test.args[0]?.value.t === 'comp') {
      const comp = test.args[0].value;
      const clause = comp.fors[0];
      if (comp.elt.t === 'cmp' && comp.elt.op === 'in' && clause && nameOf(clause.iter)) {
        const coll = this.scope.evaluate(comp.elt.right);
        const name = nameOf(clause.iter)!;
        if (constantStrings(coll)) this.markChecked(name, 'allowlisted');
        else if (isServerState(coll)) this.markChecked(name, 'held');
      }
    }
  }

  private narrowKeys(name: string, filter: KeySet, node: Span): void {
    const value = this.scope.env.get(name);
    if (!value) return;
    const step = this.scope.step(node);
    this.scope.env.set(name, value.map((f) => {
      if (f.k !== 'key' && f.k !== 'keys') return f;
      const keys = filter.kind === 'only' ? intersect(f.keys, filter.keys) : filter.kind === 'anyBut' ? subtract(f.keys, filter.keys) : f.keys;
      return withStep({ ...f, keys }, step);
    }));
  }

  private markChecked(name: string, check: 'allowlisted' | 'held'): void {
    const value = this.scope.env.get(name);
    if (!value) return;
    this.scope.env.set(name, value.map((f) => (f.k === 'value' && f.check !== 'held' ? { ...f, check } : f)));
  }
}
