// Visits every expression of a statement list, with the statement holding it: syntax only, no meaning.
// Nested function bodies (and their decorators) are entered only when asked; class bodies never.
import type { Expr, Stmt } from './ir.js';
import { childBodies } from '../semantic/project.js';

export interface WalkOptions {
  /** Also visit the decorators and bodies of functions defined inside (a decorator's wrapper). */
  nestedFunctions?: boolean;
}

export function forEachExpr(body: Stmt[], visit: (expr: Expr, stmt: Stmt) => void, options: WalkOptions = {}): void {
  // an explicit stack of (statement list, next index), so a chain of thousands of `elif`s is no deeper than one
  const pending: [Stmt[], number][] = [[body, 0]];
  while (pending.length > 0) {
    const top = pending[pending.length - 1]!;
    const stmt = top[0][top[1]++];
    if (!stmt) {
      pending.pop();
      continue;
    }
    for (const expr of stmtExprs(stmt)) walkExpr(expr, (e) => visit(e, stmt));
    const nested = stmt.t === 'def' && options.nestedFunctions;
    if (nested) for (const decorator of stmt.fn.decorators) walkExpr(decorator, (e) => visit(e, stmt));
    const inner = nested ? [stmt.fn.body, ...childBodies(stmt)] : childBodies(stmt);
    // visited before the statements after this one, first body first
    for (let i = inner.length - 1; i >= 0; i--) pending.push([inner[i]!, 0]);
  }
}

function stmtExprs(stmt: Stmt): Expr[] {
  switch (stmt.t) {
    case 'assign':
      return [...stmt.targets, stmt.value];
    case 'augassign':
      return [stmt.target, stmt.value];
    case 'expr':
      return [stmt.value];
    case 'if':
    case 'while':
      return [stmt.test];
    case 'for':
      return [stmt.iter];
    case 'with':
      return stmt.items.map((i) => i.value);
    case 'match':
      return [stmt.subject];
    case 'return':
    case 'raise':
      return stmt.value ? [stmt.value] : [];
    default:
      return [];
  }
}

export function walkExpr(expr: Expr, visit: (e: Expr) => void): void {
  visit(expr);
  for (const child of children(expr)) walkExpr(child, visit);
}

function children(expr: Expr): Expr[] {
  switch (expr.t) {
    case 'attr':
      return [expr.obj];
    case 'call':
      return [expr.fn, ...expr.args.map((a) => a.value)];
    case 'sub':
      return [expr.obj, expr.index];
    case 'dict':
      return expr.entries.flatMap((e) => ('spread' in e ? [e.spread] : [e.key, e.value]));
    case 'seq':
      return expr.items;
    case 'star':
    case 'not':
    case 'walrus':
      return [expr.value];
    case 'comp':
      return [expr.elt, ...(expr.value ? [expr.value] : []), ...expr.fors.flatMap((f) => [f.iter, ...f.ifs])];
    case 'cmp':
    case 'bool':
    case 'intersect':
      return [expr.left, expr.right];
    case 'ternary':
      return [expr.test, expr.then, expr.else];
    case 'lambda':
      return [expr.body];
    case 'other':
      return expr.parts;
    default:
      return [];
  }
}
