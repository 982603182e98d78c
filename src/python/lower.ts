// Lowers pyright's syntax tree into the small IR of ir.ts, so the tree can be let go after one walk.
// The IR of a big project is most of the heap, so each node is built compactly: one object literal per node
// kind, properties always written in the same order (optional ones as `undefined`), so V8 gives every node of a
// kind one shared hidden class with its fields in the object itself; and lists are exactly as long as their contents.
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

const end = (node: ParseNode) => node.start + node.length;

/** A list built with `push` keeps spare room (17 slots for one item); its copy is exactly as long. */
const exact = <T>(list: T[]): T[] => list.slice();

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
    orelse = [{ t: 'if', test: lowerExpr(node.d.testExpr), body: lowerSuite(node.d.ifSuite), orelse, s: node.start, e: end(node) }];
  }
  return orelse[0]!;
}

function lowerSuite(suite: SuiteNode | undefined): Stmt[] {
  return suite ? lowerStatements(suite.d.statements) : [];
}

function lowerStatements(nodes: readonly (StatementNode | ParseNode)[]): Stmt[] {
  const out: Stmt[] = [];
  for (const node of nodes) lowerStatement(node, out);
  return exact(out);
}

function lowerStatement(node: ParseNode, out: Stmt[]): void {
  const s = node.start;
  const e = end(node);
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
      out.push({ t: 'assign', targets: exact(targets), value: lowerExpr(current as ExpressionNode), annotation, s, e });
      return;
    }
    case ParseNodeType.TypeAnnotation:
      out.push({ t: 'annotated', target: lowerExpr(node.d.valueExpr), annotation: lowerExpr(node.d.annotation), s, e });
      return;
    case ParseNodeType.AugmentedAssignment:
      out.push({ t: 'augassign', target: lowerExpr(node.d.leftExpr), value: lowerExpr(node.d.rightExpr), s, e });
      return;
    case ParseNodeType.If:
      out.push(lowerIfChain(node));
      return;
    case ParseNodeType.For:
      out.push({ t: 'for', target: lowerTarget(node.d.targetExpr), iter: lowerExpr(node.d.iterableExpr), body: lowerSuite(node.d.forSuite), orelse: lowerSuite(node.d.elseSuite), s, e });
      return;
    case ParseNodeType.While:
      out.push({ t: 'while', test: lowerExpr(node.d.testExpr), body: lowerSuite(node.d.whileSuite), orelse: lowerSuite(node.d.elseSuite), s, e });
      return;
    case ParseNodeType.Try:
      out.push({
        t: 'try',
        body: lowerSuite(node.d.trySuite),
        handlers: node.d.exceptClauses.map((clause) => lowerSuite(clause.d.exceptSuite)),
        orelse: lowerSuite(node.d.elseSuite),
        final: lowerSuite(node.d.finallySuite),
        s,
        e,
      });
      return;
    case ParseNodeType.With:
      out.push({
        t: 'with',
        items: node.d.withItems.map((item) => ({ value: lowerExpr(item.d.expr), target: item.d.target ? lowerTarget(item.d.target) : undefined })),
        body: lowerSuite(node.d.suite),
        s,
        e,
      });
      return;
    case ParseNodeType.Match:
      out.push({ t: 'match', subject: lowerExpr(node.d.expr), cases: node.d.cases.map((c) => lowerSuite(c.d.suite)), s, e });
      return;
    case ParseNodeType.Return:
      out.push({ t: 'return', value: node.d.expr ? lowerExpr(node.d.expr) : undefined, s, e });
      return;
    case ParseNodeType.Del:
      out.push({ t: 'del', targets: node.d.targets.map(lowerExpr), s, e });
      return;
    case ParseNodeType.Raise:
      out.push({ t: 'raise', value: node.d.expr ? lowerExpr(node.d.expr) : undefined, s, e });
      return;
    case ParseNodeType.Break:
      out.push({ t: 'break', s, e });
      return;
    case ParseNodeType.Continue:
      out.push({ t: 'continue', s, e });
      return;
    case ParseNodeType.Import:
      out.push({ t: 'import', bindings: node.d.list.map(importAs), s, e });
      return;
    case ParseNodeType.ImportFrom: {
      const module = '.'.repeat(node.d.module.d.leadingDots) + node.d.module.d.nameParts.map((n) => n.d.value).join('.');
      const bindings: ImportBinding[] = node.d.isWildcardImport
        ? [{ local: '*', module, member: '*' }]
        : node.d.imports.map((imp) => ({ local: (imp.d.alias ?? imp.d.name).d.value, module, member: imp.d.name.d.value }));
      out.push({ t: 'import', bindings, s, e });
      return;
    }
    case ParseNodeType.Function:
      out.push({ t: 'def', fn: lowerFunction(node), s, e });
      return;
    case ParseNodeType.Class:
      out.push({ t: 'class', cls: lowerClass(node), s, e });
      return;
    case ParseNodeType.Pass:
    case ParseNodeType.Global:
    case ParseNodeType.Nonlocal:
    case ParseNodeType.TypeAlias:
      return;
    case ParseNodeType.Assert:
      out.push({ t: 'if', test: lowerExpr(node.d.testExpr), body: [], orelse: [{ t: 'raise', value: undefined, s, e }], s, e });
      return;
    default:
      out.push({ t: 'expr', value: lowerExpr(node), s, e });
  }
}

function importAs(node: import('@zzzen/pyright-internal/dist/parser/parseNodes.js').ImportAsNode): ImportBinding {
  const parts = node.d.module.d.nameParts.map((n) => n.d.value);
  return node.d.alias ? { local: node.d.alias.d.value, module: parts.join('.'), member: undefined } : { local: parts[0] ?? '', module: parts[0] ?? '', member: undefined };
}

function lowerFunction(node: FunctionNode): FunctionDef {
  return {
    name: node.d.name.d.value,
    nameOffset: node.d.name.start,
    params: lowerParams(node.d.params),
    decorators: node.d.decorators.map((d) => lowerExpr(d.d.expr)),
    body: lowerSuite(node.d.suite),
    isAsync: node.d.isAsync,
    returns: node.d.returnAnnotation ? lowerExpr(node.d.returnAnnotation) : undefined,
    s: node.start,
    e: end(node),
  };
}

function lowerParams(params: ParameterNode[]): Param[] {
  const out: Param[] = [];
  let keywordOnly = false;
  for (const p of params) {
    if (p.d.category === 1 /* ArgsList */) {
      keywordOnly = true;
      if (p.d.name) out.push({ name: p.d.name.d.value, kind: 'varargs', default: undefined, annotation: undefined });
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
  return exact(out);
}

function lowerClass(node: ClassNode): ClassDef {
  return {
    name: node.d.name.d.value,
    nameOffset: node.d.name.start,
    bases: node.d.arguments.map(lowerArg),
    decorators: node.d.decorators.map((d) => lowerExpr(d.d.expr)),
    body: lowerSuite(node.d.suite),
    s: node.start,
    e: end(node),
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
  const s = node.start;
  const e = end(node);
  switch (node.nodeType) {
    case ParseNodeType.Name:
      return { t: 'name', id: node.d.value, s, e };
    case ParseNodeType.MemberAccess:
      return { t: 'attr', obj: lowerExpr(node.d.leftExpr), name: node.d.member.d.value, s, e };
    case ParseNodeType.Call:
      return { t: 'call', fn: lowerExpr(node.d.leftExpr), args: node.d.args.map(lowerArg), s, e };
    case ParseNodeType.Index: {
      const items = node.d.items;
      const index: Expr = items.length === 1 && !items[0]!.d.name && items[0]!.d.argCategory === 0
        ? lowerExpr(items[0]!.d.valueExpr)
        : { t: 'seq', kind: 'tuple', items: items.map((i) => lowerExpr(i.d.valueExpr)), s, e };
      return { t: 'sub', obj: lowerExpr(node.d.leftExpr), index, s, e };
    }
    case ParseNodeType.StringList: {
      const allPlain = node.d.strings.every((string) => string.nodeType === ParseNodeType.String);
      if (allPlain) return { t: 'str', v: node.d.strings.map((string) => string.d.value).join(''), s, e };
      const parts = node.d.strings.flatMap((string) => (string.nodeType === ParseNodeType.FormatString ? string.d.fieldExprs.map(lowerExpr) : []));
      return { t: 'other', parts, s, e };
    }
    case ParseNodeType.String:
      return { t: 'str', v: node.d.value, s, e };
    case ParseNodeType.Number:
      return { t: 'num', s, e };
    case ParseNodeType.Constant:
      if (node.d.constType === KeywordType.True) return { t: 'const', v: 'True', s, e };
      if (node.d.constType === KeywordType.False) return { t: 'const', v: 'False', s, e };
      return { t: 'const', v: 'None', s, e };
    case ParseNodeType.Dictionary: {
      const entries: DictEntry[] = [];
      for (const item of node.d.items) {
        if (item.nodeType === ParseNodeType.DictionaryKeyEntry) entries.push({ key: lowerExpr(item.d.keyExpr), value: lowerExpr(item.d.valueExpr) });
        else if (item.nodeType === ParseNodeType.DictionaryExpandEntry) entries.push({ spread: lowerExpr(item.d.expr) });
        else if (item.nodeType === ParseNodeType.Comprehension) return lowerComprehension(item, 'dict');
      }
      return { t: 'dict', entries: exact(entries), s, e };
    }
    case ParseNodeType.List:
    case ParseNodeType.Set:
    case ParseNodeType.Tuple: {
      const kind = node.nodeType === ParseNodeType.List ? 'list' : node.nodeType === ParseNodeType.Set ? 'set' : 'tuple';
      if (node.d.items.length === 1 && node.d.items[0]!.nodeType === ParseNodeType.Comprehension && kind !== 'tuple') {
        return lowerComprehension(node.d.items[0], kind);
      }
      return { t: 'seq', kind, items: node.d.items.map(lowerExpr), s, e };
    }
    case ParseNodeType.Comprehension:
      return lowerComprehension(node, 'gen');
    case ParseNodeType.Unpack:
      return { t: 'star', value: lowerExpr(node.d.expr), s, e };
    case ParseNodeType.BinaryOperation: {
      const op = node.d.operator;
      if (op === OperatorType.And || op === OperatorType.Or) {
        return { t: 'bool', op: op === OperatorType.And ? 'and' : 'or', left: lowerExpr(node.d.leftExpr), right: lowerExpr(node.d.rightExpr), s, e };
      }
      const cmp = CMP_OPS[op];
      if (cmp) return { t: 'cmp', op: cmp, left: lowerExpr(node.d.leftExpr), right: lowerExpr(node.d.rightExpr), s, e };
      if (op === OperatorType.BitwiseAnd) return { t: 'intersect', left: lowerExpr(node.d.leftExpr), right: lowerExpr(node.d.rightExpr), s, e };
      return { t: 'other', parts: [lowerExpr(node.d.leftExpr), lowerExpr(node.d.rightExpr)], s, e };
    }
    case ParseNodeType.UnaryOperation:
      if (node.d.operator === OperatorType.Not) return { t: 'not', value: lowerExpr(node.d.expr), s, e };
      return { t: 'other', parts: [lowerExpr(node.d.expr)], s, e };
    case ParseNodeType.Ternary:
      return { t: 'ternary', test: lowerExpr(node.d.testExpr), then: lowerExpr(node.d.ifExpr), else: lowerExpr(node.d.elseExpr), s, e };
    case ParseNodeType.AssignmentExpression:
      return { t: 'walrus', target: node.d.name.d.value, value: lowerExpr(node.d.rightExpr), s, e };
    case ParseNodeType.Lambda:
      return { t: 'lambda', params: lowerParams(node.d.params).map((p) => p.name), body: lowerExpr(node.d.expr), s, e };
    case ParseNodeType.Await:
      return lowerExpr(node.d.expr);
    case ParseNodeType.TypeAnnotation:
      return lowerExpr(node.d.valueExpr);
    case ParseNodeType.Yield:
      return { t: 'other', parts: node.d.expr ? [lowerExpr(node.d.expr)] : [], s, e };
    case ParseNodeType.YieldFrom:
      return { t: 'other', parts: [lowerExpr(node.d.expr)], s, e };
    default:
      return { t: 'other', parts: [], s, e };
  }
}

function lowerComprehension(node: import('@zzzen/pyright-internal/dist/parser/parseNodes.js').ComprehensionNode, kind: 'list' | 'set' | 'gen' | 'dict'): Expr {
  const fors: CompFor[] = [];
  for (const part of node.d.forIfNodes) {
    if (part.nodeType === ParseNodeType.ComprehensionFor) fors.push({ target: lowerTarget(part.d.targetExpr), iter: lowerExpr(part.d.iterableExpr), ifs: [] });
    else fors[fors.length - 1]?.ifs.push(lowerExpr(part.d.testExpr));
  }
  for (const f of fors) f.ifs = exact(f.ifs);
  const inner = node.d.expr;
  if (inner.nodeType === ParseNodeType.DictionaryKeyEntry) {
    return { t: 'comp', kind: 'dict', fors: exact(fors), elt: lowerExpr(inner.d.keyExpr), value: lowerExpr(inner.d.valueExpr), s: node.start, e: end(node) };
  }
  return { t: 'comp', kind, fors: exact(fors), elt: lowerExpr(inner), value: undefined, s: node.start, e: end(node) };
}
