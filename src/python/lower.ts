// Lowers pyright's syntax tree into the small IR of ir.ts, so the tree can be let go after one walk.
import { ParseNodeType, type ExpressionNode, type ParseNode, type StatementNode, type SuiteNode, type ArgumentNode, type ParameterNode, type FunctionNode, type ClassNode, type IfNode } from '@zzzen/pyright-internal/dist/parser/parseNodes.js';
import { OperatorType, KeywordType } from '@zzzen/pyright-internal/dist/parser/tokenizerTypes.js';
import type { ModuleNode } from './parse.js';
import type { Arg, CmpOp, CompFor, DictEntry, Expr, FunctionDef, ClassDef, ImportBinding, Param, Stmt } from './ir.js';

const CMP_OPS: Partial<Record<OperatorType, CmpOp>> = {
  [OperatorType.In]: 'in',
  [OperatorType.NotIn]: 'not in',
  [OperatorType.Equals]: '==',
  [OperatorType.NotEquals]: '!=',
  [OperatorType.Is]: 'is',
  [OperatorType.IsNot]: 'is not',
  [OperatorType.LessThan]: '<',
  [OperatorType.LessThanOrEqual]: '<=',
  [OperatorType.GreaterThan]: '>',
  [OperatorType.GreaterThanOrEqual]: '>=',
};

const span = (node: ParseNode) => ({ s: node.start, e: node.start + node.length });

/** Lowers a module, function bodies included: the IR is plain data, so it can be cached and sent between threads. */
export function lowerModule(tree: ModuleNode): Stmt[] {
  return lowerStatements(tree.d.statements);
}

/** An `if`/`elif` chain, built from its last branch up in a loop: thousands of `elif`s need no deep recursion. */
function lowerIfChain(first: IfNode): Stmt {
  const chain: IfNode[] = [first];
  for (let next = first.d.elseSuite; next?.nodeType === ParseNodeType.If; next = next.d.elseSuite) chain.push(next);
  const last = chain[chain.length - 1]!.d.elseSuite;
  let orelse: Stmt[] = last ? lowerSuite(last as SuiteNode) : [];
  for (let i = chain.length - 1; i >= 0; i--) {
    const node = chain[i]!;
    orelse = [{ ...span(node), t: 'if', test: lowerExpr(node.d.testExpr), body: lowerSuite(node.d.ifSuite), orelse }];
  }
  return orelse[0]!;
}

function lowerSuite(suite: SuiteNode | undefined): Stmt[] {
  return suite ? lowerStatements(suite.d.statements) : [];
}

function lowerStatements(nodes: readonly (StatementNode | ParseNode)[]): Stmt[] {
  const out: Stmt[] = [];
  for (const node of nodes) lowerStatement(node, out);
  return out;
}

function lowerStatement(node: ParseNode, out: Stmt[]): void {
  const sp = span(node);
  switch (node.nodeType) {
    case ParseNodeType.StatementList:
      for (const inner of node.d.statements) lowerStatement(inner, out);
      return;
    case ParseNodeType.Assignment: {
      // a = b = value is nested: the right side of the outer assignment is another assignment.
      const targets: Expr[] = [];
      let current: ParseNode = node;
      while (current.nodeType === ParseNodeType.Assignment) {
        targets.push(lowerTarget(current.d.leftExpr));
        current = current.d.rightExpr;
      }
      const annotation = node.d.leftExpr.nodeType === ParseNodeType.TypeAnnotation ? lowerExpr(node.d.leftExpr.d.annotation) : undefined;
      out.push({ ...sp, t: 'assign', targets, value: lowerExpr(current as ExpressionNode), annotation });
      return;
    }
    case ParseNodeType.TypeAnnotation:
      out.push({ ...sp, t: 'annotated', target: lowerExpr(node.d.valueExpr), annotation: lowerExpr(node.d.annotation) });
      return;
    case ParseNodeType.AugmentedAssignment:
      out.push({ ...sp, t: 'augassign', target: lowerExpr(node.d.leftExpr), value: lowerExpr(node.d.rightExpr) });
      return;
    case ParseNodeType.If:
      out.push(lowerIfChain(node));
      return;
    case ParseNodeType.For:
      out.push({ ...sp, t: 'for', target: lowerTarget(node.d.targetExpr), iter: lowerExpr(node.d.iterableExpr), body: lowerSuite(node.d.forSuite), orelse: lowerSuite(node.d.elseSuite) });
      return;
    case ParseNodeType.While:
      out.push({ ...sp, t: 'while', test: lowerExpr(node.d.testExpr), body: lowerSuite(node.d.whileSuite), orelse: lowerSuite(node.d.elseSuite) });
      return;
    case ParseNodeType.Try:
      out.push({
        ...sp,
        t: 'try',
        body: lowerSuite(node.d.trySuite),
        handlers: node.d.exceptClauses.map((clause) => lowerSuite(clause.d.exceptSuite)),
        orelse: lowerSuite(node.d.elseSuite),
        final: lowerSuite(node.d.finallySuite),
      });
      return;
    case ParseNodeType.With:
      out.push({
        ...sp,
        t: 'with',
        items: node.d.withItems.map((item) => ({ value: lowerExpr(item.d.expr), target: item.d.target ? lowerTarget(item.d.target) : undefined })),
        body: lowerSuite(node.d.suite),
      });
      return;
    case ParseNodeType.Match:
      out.push({ ...sp, t: 'match', subject: lowerExpr(node.d.expr), cases: node.d.cases.map((c) => lowerSuite(c.d.suite)) });
      return;
    case ParseNodeType.Return:
      out.push({ ...sp, t: 'return', value: node.d.expr ? lowerExpr(node.d.expr) : undefined });
      return;
    case ParseNodeType.Del:
      out.push({ ...sp, t: 'del', targets: node.d.targets.map(lowerExpr) });
      return;
    case ParseNodeType.Raise:
      out.push({ ...sp, t: 'raise', value: node.d.expr ? lowerExpr(node.d.expr) : undefined });
      return;
    case ParseNodeType.Break:
      out.push({ ...sp, t: 'break' });
      return;
    case ParseNodeType.Continue:
      out.push({ ...sp, t: 'continue' });
      return;
    case ParseNodeType.Import:
      out.push({ ...sp, t: 'import', bindings: node.d.list.map(importAs) });
      return;
    case ParseNodeType.ImportFrom: {
      const module = '.'.repeat(node.d.module.d.leadingDots) + node.d.module.d.nameParts.map((n) => n.d.value).join('.');
      const bindings: ImportBinding[] = node.d.isWildcardImport
        ? [{ local: '*', module, member: '*' }]
        : node.d.imports.map((imp) => ({ local: (imp.d.alias ?? imp.d.name).d.value, module, member: imp.d.name.d.value }));
      out.push({ ...sp, t: 'import', bindings });
      return;
    }
    case ParseNodeType.Function:
      out.push({ ...sp, t: 'def', fn: lowerFunction(node) });
      return;
    case ParseNodeType.Class:
      out.push({ ...sp, t: 'class', cls: lowerClass(node) });
      return;
    case ParseNodeType.Pass:
    case ParseNodeType.Global:
    case ParseNodeType.Nonlocal:
    case ParseNodeType.TypeAlias:
      return;
    case ParseNodeType.Assert:
      out.push({ ...sp, t: 'if', test: lowerExpr(node.d.testExpr), body: [], orelse: [{ ...sp, t: 'raise' }] });
      return;
    default:
      out.push({ ...sp, t: 'expr', value: lowerExpr(node) });
  }
}

function importAs(node: import('@zzzen/pyright-internal/dist/parser/parseNodes.js').ImportAsNode): ImportBinding {
  const parts = node.d.module.d.nameParts.map((n) => n.d.value);
  return node.d.alias ? { local: node.d.alias.d.value, module: parts.join('.') } : { local: parts[0] ?? '', module: parts[0] ?? '' };
}

function lowerFunction(node: FunctionNode): FunctionDef {
  const def: FunctionDef = {
    ...span(node),
    name: node.d.name.d.value,
    nameOffset: node.d.name.start,
    params: lowerParams(node.d.params),
    decorators: node.d.decorators.map((d) => lowerExpr(d.d.expr)),
    body: lowerSuite(node.d.suite),
    isAsync: node.d.isAsync,
    ...(node.d.returnAnnotation ? { returns: lowerExpr(node.d.returnAnnotation) } : {}),
  };
  return def;
}

function lowerParams(params: ParameterNode[]): Param[] {
  const out: Param[] = [];
  let keywordOnly = false;
  for (const p of params) {
    if (p.d.category === 1 /* ArgsList */) {
      keywordOnly = true;
      if (p.d.name) out.push({ name: p.d.name.d.value, kind: 'varargs' });
      continue;
    }
    if (!p.d.name) continue; // the bare `/` marker
    out.push({
      name: p.d.name.d.value,
      kind: p.d.category === 2 /* KwargsDict */ ? 'kwargs' : keywordOnly ? 'keyword' : 'positional',
      default: p.d.defaultValue ? lowerExpr(p.d.defaultValue) : undefined,
      annotation: p.d.annotation ? lowerExpr(p.d.annotation) : undefined,
    });
  }
  return out;
}

function lowerClass(node: ClassNode): ClassDef {
  return {
    ...span(node),
    name: node.d.name.d.value,
    nameOffset: node.d.name.start,
    bases: node.d.arguments.map(lowerArg),
    decorators: node.d.decorators.map((d) => lowerExpr(d.d.expr)),
    body: lowerSuite(node.d.suite),
  };
}

function lowerArg(arg: ArgumentNode): Arg {
  const star = arg.d.argCategory === 1 ? 1 : arg.d.argCategory === 2 ? 2 : undefined;
  return { name: arg.d.name?.d.value, star, value: lowerExpr(arg.d.valueExpr) };
}

/** Assignment targets: a parenthesised or bare tuple of names stays a tuple. */
function lowerTarget(node: ExpressionNode): Expr {
  return lowerExpr(node.nodeType === ParseNodeType.TypeAnnotation ? node.d.valueExpr : node);
}

function lowerExpr(node: ExpressionNode | ParseNode): Expr {
  const sp = span(node);
  switch (node.nodeType) {
    case ParseNodeType.Name:
      return { ...sp, t: 'name', id: node.d.value };
    case ParseNodeType.MemberAccess:
      return { ...sp, t: 'attr', obj: lowerExpr(node.d.leftExpr), name: node.d.member.d.value };
    case ParseNodeType.Call:
      return { ...sp, t: 'call', fn: lowerExpr(node.d.leftExpr), args: node.d.args.map(lowerArg) };
    case ParseNodeType.Index: {
      const items = node.d.items;
      const index: Expr = items.length === 1 && !items[0]!.d.name && items[0]!.d.argCategory === 0
        ? lowerExpr(items[0]!.d.valueExpr)
        : { ...sp, t: 'seq', kind: 'tuple', items: items.map((i) => lowerExpr(i.d.valueExpr)) };
      return { ...sp, t: 'sub', obj: lowerExpr(node.d.leftExpr), index };
    }
    case ParseNodeType.StringList: {
      const allPlain = node.d.strings.every((s) => s.nodeType === ParseNodeType.String);
      if (allPlain) return { ...sp, t: 'str', v: node.d.strings.map((s) => s.d.value).join('') };
      const parts = node.d.strings.flatMap((s) => (s.nodeType === ParseNodeType.FormatString ? s.d.fieldExprs.map(lowerExpr) : []));
      return { ...sp, t: 'other', parts };
    }
    case ParseNodeType.String:
      return { ...sp, t: 'str', v: node.d.value };
    case ParseNodeType.Number:
      return { ...sp, t: 'num' };
    case ParseNodeType.Constant:
      if (node.d.constType === KeywordType.True) return { ...sp, t: 'const', v: 'True' };
      if (node.d.constType === KeywordType.False) return { ...sp, t: 'const', v: 'False' };
      return { ...sp, t: 'const', v: 'None' };
    case ParseNodeType.Dictionary: {
      const entries: DictEntry[] = [];
      for (const item of node.d.items) {
        if (item.nodeType === ParseNodeType.DictionaryKeyEntry) entries.push({ key: lowerExpr(item.d.keyExpr), value: lowerExpr(item.d.valueExpr) });
        else if (item.nodeType === ParseNodeType.DictionaryExpandEntry) entries.push({ spread: lowerExpr(item.d.expr) });
        else if (item.nodeType === ParseNodeType.Comprehension) return lowerComprehension(item, 'dict');
      }
      return { ...sp, t: 'dict', entries };
    }
    case ParseNodeType.List:
    case ParseNodeType.Set:
    case ParseNodeType.Tuple: {
      const kind = node.nodeType === ParseNodeType.List ? 'list' : node.nodeType === ParseNodeType.Set ? 'set' : 'tuple';
      if (node.d.items.length === 1 && node.d.items[0]!.nodeType === ParseNodeType.Comprehension && kind !== 'tuple') {
        return lowerComprehension(node.d.items[0], kind);
      }
      return { ...sp, t: 'seq', kind, items: node.d.items.map(lowerExpr) };
    }
    case ParseNodeType.Comprehension:
      return lowerComprehension(node, 'gen');
    case ParseNodeType.Unpack:
      return { ...sp, t: 'star', value: lowerExpr(node.d.expr) };
    case ParseNodeType.BinaryOperation: {
      const op = node.d.operator;
      if (op === OperatorType.And || op === OperatorType.Or) {
        return { ...sp, t: 'bool', op: op === OperatorType.And ? 'and' : 'or', left: lowerExpr(node.d.leftExpr), right: lowerExpr(node.d.rightExpr) };
      }
      const cmp = CMP_OPS[op];
      if (cmp) return { ...sp, t: 'cmp', op: cmp, left: lowerExpr(node.d.leftExpr), right: lowerExpr(node.d.rightExpr) };
      if (op === OperatorType.BitwiseAnd) return { ...sp, t: 'intersect', left: lowerExpr(node.d.leftExpr), right: lowerExpr(node.d.rightExpr) };
      return { ...sp, t: 'other', parts: [lowerExpr(node.d.leftExpr), lowerExpr(node.d.rightExpr)] };
    }
    case ParseNodeType.UnaryOperation:
      if (node.d.operator === OperatorType.Not) return { ...sp, t: 'not', value: lowerExpr(node.d.expr) };
      return { ...sp, t: 'other', parts: [lowerExpr(node.d.expr)] };
    case ParseNodeType.Ternary:
      return { ...sp, t: 'ternary', test: lowerExpr(node.d.testExpr), then: lowerExpr(node.d.ifExpr), else: lowerExpr(node.d.elseExpr) };
    case ParseNodeType.AssignmentExpression:
      return { ...sp, t: 'walrus', target: node.d.name.d.value, value: lowerExpr(node.d.rightExpr) };
    case ParseNodeType.Lambda:
      return { ...sp, t: 'lambda', params: lowerParams(node.d.params).map((p) => p.name), body: lowerExpr(node.d.expr) };
    case ParseNodeType.Await:
      return lowerExpr(node.d.expr);
    case ParseNodeType.TypeAnnotation:
      return lowerExpr(node.d.valueExpr);
    case ParseNodeType.Yield:
      return { ...sp, t: 'other', parts: node.d.expr ? [lowerExpr(node.d.expr)] : [] };
    case ParseNodeType.YieldFrom:
      return { ...sp, t: 'other', parts: [lowerExpr(node.d.expr)] };
    default:
      return { ...sp, t: 'other', parts: [] };
  }
}

function lowerComprehension(node: import('@zzzen/pyright-internal/dist/parser/parseNodes.js').ComprehensionNode, kind: 'list' | 'set' | 'gen' | 'dict'): Expr {
  const fors: CompFor[] = [];
  for (const part of node.d.forIfNodes) {
    if (part.nodeType === ParseNodeType.ComprehensionFor) fors.push({ target: lowerTarget(part.d.targetExpr), iter: lowerExpr(part.d.iterableExpr), ifs: [] });
    else fors[fors.length - 1]?.ifs.push(lowerExpr(part.d.testExpr));
  }
  const inner = node.d.expr;
  if (inner.nodeType === ParseNodeType.DictionaryKeyEntry) {
    return { ...span(node), t: 'comp', kind: 'dict', fors, elt: lowerExpr(inner.d.keyExpr), value: lowerExpr(inner.d.valueExpr) };
  }
  return { ...span(node), t: 'comp', kind, fors, elt: lowerExpr(inner) };
}
