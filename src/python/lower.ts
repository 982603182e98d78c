// Lowers pyright's syntax tree into the small IR of ir.ts, so the tree can be let go after one walk.
// The IR of a big project is most of the heap, so each node is built compactly: one object literal per node
// kind, properties always written in the same order (optional ones as `undefined`), so V8 gives every node of a
// kind one shared hidden class with its fields in the object itself; lists are exactly as long as their
// contents; and each name is kept once per file.
import { ParseNodeType, type ExpressionNode, type ParseNode, type StatementNode, type SuiteNode, type ArgumentNode, type ParameterNode, type FunctionNode, type ClassNode, type IfNode, type NameNode, type ImportAsNode, type ComprehensionNode } from '@zzzen/pyright-internal/dist/parser/parseNodes.js';
import { OperatorType, KeywordType } from '@zzzen/pyright-internal/dist/parser/tokenizerTypes.js';
import type { ModuleNode } from './parse.js';
import type { DeferredBody } from './skim.js';
import { ownString } from '../own-string.js';
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

/** A list built with `push` keeps spare room (17 slots for one item); its copy is exactly as long. */
const exact = <T>(list: T[]): T[] => list.slice();

/** Where an offset of the parsed text is in the file: the identity when the text is the file. */
export type Place = (offset: number) => number;

export const sameOffset: Place = (offset) => offset;

/**
 * Lowers a module, function bodies included but those `deferred` (cut out of the text parsed, whose offsets
 * `place` maps back to the file): those functions keep where their body starts, for lowerFunctionBody. The IR is
 * plain data, so it can be cached and sent between threads.
 */
export function lowerModule(tree: ModuleNode, deferred: readonly DeferredBody[] = [], place: Place = sameOffset): Stmt[] {
  return new FileLowering(place, deferred).statements(tree.d.statements);
}

/** Lowers the body of the one function of a parsed text, a function body's text placed in the file by `place`. */
export function lowerFunctionBody(tree: ModuleNode, place: Place): Stmt[] {
  const fn = tree.d.statements[0];
  return fn?.nodeType === ParseNodeType.Function ? new FileLowering(place, []).suite(fn.d.suite) : [];
}

/** One file's lowering: it keeps each name (identifier or dotted module) once, however often the file repeats it. */
class FileLowering {
  private readonly names = new Map<string, string>();
  private readonly deferred: Map<number, DeferredBody>;
  /** The end of the last deferred body lowered: a statement the parser ended at a cut body ends there. */
  private deferredEnd = -1;

  constructor(private readonly place: Place, deferred: readonly DeferredBody[]) {
    this.deferred = new Map(deferred.map((d) => [d.nameOffset, d]));
  }

  private at(node: ParseNode): number {
    return this.place(node.start);
  }

  private end(node: ParseNode): number {
    return this.place(node.start + node.length);
  }

  /** The end of a compound statement, once its bodies are lowered: past the deferred body it may end with. */
  private endAfterBodies(node: ParseNode): number {
    return Math.max(this.end(node), this.deferredEnd);
  }

  statements(nodes: readonly (StatementNode | ParseNode)[]): Stmt[] {
    const out: Stmt[] = [];
    for (const node of nodes) this.statement(node, out);
    return exact(out);
  }

  suite(suite: SuiteNode | undefined): Stmt[] {
    return suite ? this.statements(suite.d.statements) : [];
  }

  private intern(text: string): string {
    const known = this.names.get(text);
    if (known !== undefined) return known;
    // pyright builds an identifier of 13 or more characters one `+=` at a time
    const kept = ownString(text);
    this.names.set(kept, kept);
    return kept;
  }

  private identifier(node: NameNode): string {
    return this.intern(node.d.value);
  }

  /** An `if`/`elif` chain, built from its last branch up in a loop: thousands of `elif`s need no deep recursion. */
  private ifChain(first: IfNode): Stmt {
    const chain: IfNode[] = [first];
    for (let next = first.d.elseSuite; next?.nodeType === ParseNodeType.If; next = next.d.elseSuite) chain.push(next);
    const last = chain[chain.length - 1]!.d.elseSuite;
    let orelse: Stmt[] = last ? this.suite(last as SuiteNode) : [];
    for (let i = chain.length - 1; i >= 0; i--) {
      const node = chain[i]!;
      orelse = [{ t: 'if', test: this.expr(node.d.testExpr), body: this.suite(node.d.ifSuite), orelse, s: this.at(node), e: this.endAfterBodies(node) }];
    }
    return orelse[0]!;
  }

  private statement(node: ParseNode, out: Stmt[]): void {
    const s = this.at(node);
    const e = this.end(node);
    switch (node.nodeType) {
      case ParseNodeType.StatementList:
        for (const inner of node.d.statements) this.statement(inner, out);
        return;
      case ParseNodeType.Assignment: {
        // a = b = value is nested: the right side of the outer assignment is another assignment.
        const targets: Expr[] = [];
        let current: ParseNode = node;
        while (current.nodeType === ParseNodeType.Assignment) {
          targets.push(this.target(current.d.leftExpr));
          current = current.d.rightExpr;
        }
        const annotation = node.d.leftExpr.nodeType === ParseNodeType.TypeAnnotation ? this.expr(node.d.leftExpr.d.annotation) : undefined;
        out.push({ t: 'assign', targets: exact(targets), value: this.expr(current as ExpressionNode), annotation, s, e });
        return;
      }
      case ParseNodeType.TypeAnnotation:
        out.push({ t: 'annotated', target: this.expr(node.d.valueExpr), annotation: this.expr(node.d.annotation), s, e });
        return;
      case ParseNodeType.AugmentedAssignment:
        out.push({ t: 'augassign', target: this.expr(node.d.leftExpr), value: this.expr(node.d.rightExpr), s, e });
        return;
      case ParseNodeType.If:
        out.push(this.ifChain(node));
        return;
      case ParseNodeType.For:
        out.push({ t: 'for', target: this.target(node.d.targetExpr), iter: this.expr(node.d.iterableExpr), body: this.suite(node.d.forSuite), orelse: this.suite(node.d.elseSuite), s, e: this.endAfterBodies(node) });
        return;
      case ParseNodeType.While:
        out.push({ t: 'while', test: this.expr(node.d.testExpr), body: this.suite(node.d.whileSuite), orelse: this.suite(node.d.elseSuite), s, e: this.endAfterBodies(node) });
        return;
      case ParseNodeType.Try:
        out.push({
          t: 'try',
          body: this.suite(node.d.trySuite),
          handlers: node.d.exceptClauses.map((clause) => this.suite(clause.d.exceptSuite)),
          orelse: this.suite(node.d.elseSuite),
          final: this.suite(node.d.finallySuite),
          s,
          e: this.endAfterBodies(node),
        });
        return;
      case ParseNodeType.With:
        out.push({
          t: 'with',
          items: node.d.withItems.map((item) => ({ value: this.expr(item.d.expr), target: item.d.target ? this.target(item.d.target) : undefined })),
          body: this.suite(node.d.suite),
          s,
          e: this.endAfterBodies(node),
        });
        return;
      case ParseNodeType.Match:
        out.push({ t: 'match', subject: this.expr(node.d.expr), cases: node.d.cases.map((c) => this.suite(c.d.suite)), s, e: this.endAfterBodies(node) });
        return;
      case ParseNodeType.Return:
        out.push({ t: 'return', value: node.d.expr ? this.expr(node.d.expr) : undefined, s, e });
        return;
      case ParseNodeType.Del:
        out.push({ t: 'del', targets: node.d.targets.map((target) => this.expr(target)), s, e });
        return;
      case ParseNodeType.Raise:
        out.push({ t: 'raise', value: node.d.expr ? this.expr(node.d.expr) : undefined, s, e });
        return;
      case ParseNodeType.Break:
        out.push({ t: 'break', s, e });
        return;
      case ParseNodeType.Continue:
        out.push({ t: 'continue', s, e });
        return;
      case ParseNodeType.Import:
        out.push({ t: 'import', bindings: node.d.list.map((imp) => this.importAs(imp)), s, e });
        return;
      case ParseNodeType.ImportFrom: {
        const module = this.intern('.'.repeat(node.d.module.d.leadingDots) + node.d.module.d.nameParts.map((n) => n.d.value).join('.'));
        const bindings: ImportBinding[] = node.d.isWildcardImport
          ? [{ local: '*', module, member: '*' }]
          : node.d.imports.map((imp) => ({ local: this.identifier(imp.d.alias ?? imp.d.name), module, member: this.identifier(imp.d.name) }));
        out.push({ t: 'import', bindings, s, e });
        return;
      }
      case ParseNodeType.Function:
        out.push({ t: 'def', fn: this.function(node), s, e: this.endAfterBodies(node) });
        return;
      case ParseNodeType.Class:
        out.push({ t: 'class', cls: this.class(node), s, e: this.endAfterBodies(node) });
        return;
      case ParseNodeType.Pass:
      case ParseNodeType.Global:
      case ParseNodeType.Nonlocal:
      case ParseNodeType.TypeAlias:
        return;
      case ParseNodeType.Assert:
        out.push({ t: 'if', test: this.expr(node.d.testExpr), body: [], orelse: [{ t: 'raise', value: undefined, s, e }], s, e });
        return;
      default:
        out.push({ t: 'expr', value: this.expr(node), s, e });
    }
  }

  private importAs(node: ImportAsNode): ImportBinding {
    const parts = node.d.module.d.nameParts;
    if (node.d.alias) return { local: this.identifier(node.d.alias), module: this.intern(parts.map((n) => n.d.value).join('.')), member: undefined };
    const first = parts[0] ? this.identifier(parts[0]) : '';
    return { local: first, module: first, member: undefined };
  }

  private function(node: FunctionNode): FunctionDef {
    const deferred = this.deferred.get(this.at(node.d.name));
    if (deferred) this.deferredEnd = Math.max(this.deferredEnd, deferred.to);
    return {
      name: this.identifier(node.d.name),
      nameOffset: this.at(node.d.name),
      params: this.params(node.d.params),
      decorators: node.d.decorators.map((d) => this.expr(d.d.expr)),
      body: deferred ? [] : this.suite(node.d.suite),
      deferredFrom: deferred?.from,
      isAsync: node.d.isAsync,
      returns: node.d.returnAnnotation ? this.expr(node.d.returnAnnotation) : undefined,
      s: this.at(node),
      e: this.endAfterBodies(node),
    };
  }

  private params(params: ParameterNode[]): Param[] {
    const out: Param[] = [];
    let keywordOnly = false;
    for (const p of params) {
      if (p.d.category === 1 /* ArgsList */) {
        keywordOnly = true;
        if (p.d.name) out.push({ name: this.identifier(p.d.name), kind: 'varargs', default: undefined, annotation: undefined });
        continue;
      }
      if (!p.d.name) continue; // the bare `/` marker
      out.push({
        name: this.identifier(p.d.name),
        kind: p.d.category === 2 /* KwargsDict */ ? 'kwargs' : keywordOnly ? 'keyword' : 'positional',
        default: p.d.defaultValue ? this.expr(p.d.defaultValue) : undefined,
        annotation: p.d.annotation ? this.expr(p.d.annotation) : undefined,
      });
    }
    return exact(out);
  }

  private class(node: ClassNode): ClassDef {
    return {
      name: this.identifier(node.d.name),
      nameOffset: this.at(node.d.name),
      bases: node.d.arguments.map((arg) => this.arg(arg)),
      decorators: node.d.decorators.map((d) => this.expr(d.d.expr)),
      body: this.suite(node.d.suite),
      s: this.at(node),
      e: this.endAfterBodies(node),
    };
  }

  private arg(arg: ArgumentNode): Arg {
    const star = arg.d.argCategory === 1 ? 1 : arg.d.argCategory === 2 ? 2 : undefined;
    return { name: arg.d.name ? this.identifier(arg.d.name) : undefined, star, value: this.expr(arg.d.valueExpr) };
  }

  /** Assignment targets: a parenthesised or bare tuple of names stays a tuple. */
  private target(node: ExpressionNode): Expr {
    return this.expr(node.nodeType === ParseNodeType.TypeAnnotation ? node.d.valueExpr : node);
  }

  private expr(node: ExpressionNode | ParseNode): Expr {
    const s = this.at(node);
    const e = this.end(node);
    switch (node.nodeType) {
      case ParseNodeType.Name:
        return { t: 'name', id: this.identifier(node), s, e };
      case ParseNodeType.MemberAccess:
        return { t: 'attr', obj: this.expr(node.d.leftExpr), name: this.identifier(node.d.member), s, e };
      case ParseNodeType.Call:
        return { t: 'call', fn: this.expr(node.d.leftExpr), args: node.d.args.map((arg) => this.arg(arg)), s, e };
      case ParseNodeType.Index: {
        const items = node.d.items;
        const index: Expr = items.length === 1 && !items[0]!.d.name && items[0]!.d.argCategory === 0
          ? this.expr(items[0]!.d.valueExpr)
          : { t: 'seq', kind: 'tuple', items: items.map((i) => this.expr(i.d.valueExpr)), s, e };
        return { t: 'sub', obj: this.expr(node.d.leftExpr), index, s, e };
      }
      case ParseNodeType.StringList: {
        const allPlain = node.d.strings.every((string) => string.nodeType === ParseNodeType.String);
        if (allPlain) return { t: 'str', v: node.d.strings.map((string) => string.d.value).join(''), s, e };
        const parts = node.d.strings.flatMap((string) => (string.nodeType === ParseNodeType.FormatString ? string.d.fieldExprs.map((field) => this.expr(field)) : []));
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
          if (item.nodeType === ParseNodeType.DictionaryKeyEntry) entries.push({ key: this.expr(item.d.keyExpr), value: this.expr(item.d.valueExpr) });
          else if (item.nodeType === ParseNodeType.DictionaryExpandEntry) entries.push({ spread: this.expr(item.d.expr) });
          else if (item.nodeType === ParseNodeType.Comprehension) return this.comprehension(item, 'dict');
        }
        return { t: 'dict', entries: exact(entries), s, e };
      }
      case ParseNodeType.List:
      case ParseNodeType.Set:
      case ParseNodeType.Tuple: {
        const kind = node.nodeType === ParseNodeType.List ? 'list' : node.nodeType === ParseNodeType.Set ? 'set' : 'tuple';
        if (node.d.items.length === 1 && node.d.items[0]!.nodeType === ParseNodeType.Comprehension && kind !== 'tuple') {
          return this.comprehension(node.d.items[0], kind);
        }
        return { t: 'seq', kind, items: node.d.items.map((item) => this.expr(item)), s, e };
      }
      case ParseNodeType.Comprehension:
        return this.comprehension(node, 'gen');
      case ParseNodeType.Unpack:
        return { t: 'star', value: this.expr(node.d.expr), s, e };
      case ParseNodeType.BinaryOperation: {
        const op = node.d.operator;
        if (op === OperatorType.And || op === OperatorType.Or) {
          return { t: 'bool', op: op === OperatorType.And ? 'and' : 'or', left: this.expr(node.d.leftExpr), right: this.expr(node.d.rightExpr), s, e };
        }
        const cmp = CMP_OPS[op];
        if (cmp) return { t: 'cmp', op: cmp, left: this.expr(node.d.leftExpr), right: this.expr(node.d.rightExpr), s, e };
        if (op === OperatorType.BitwiseAnd) return { t: 'intersect', left: this.expr(node.d.leftExpr), right: this.expr(node.d.rightExpr), s, e };
        return { t: 'other', parts: [this.expr(node.d.leftExpr), this.expr(node.d.rightExpr)], s, e };
      }
      case ParseNodeType.UnaryOperation:
        if (node.d.operator === OperatorType.Not) return { t: 'not', value: this.expr(node.d.expr), s, e };
        return { t: 'other', parts: [this.expr(node.d.expr)], s, e };
      case ParseNodeType.Ternary:
        return { t: 'ternary', test: this.expr(node.d.testExpr), then: this.expr(node.d.ifExpr), else: this.expr(node.d.elseExpr), s, e };
      case ParseNodeType.AssignmentExpression:
        return { t: 'walrus', target: this.identifier(node.d.name), value: this.expr(node.d.rightExpr), s, e };
      case ParseNodeType.Lambda:
        return { t: 'lambda', params: this.params(node.d.params).map((p) => p.name), body: this.expr(node.d.expr), s, e };
      case ParseNodeType.Await:
        return this.expr(node.d.expr);
      case ParseNodeType.TypeAnnotation:
        return this.expr(node.d.valueExpr);
      case ParseNodeType.Yield:
        return { t: 'other', parts: node.d.expr ? [this.expr(node.d.expr)] : [], s, e };
      case ParseNodeType.YieldFrom:
        return { t: 'other', parts: [this.expr(node.d.expr)], s, e };
      default:
        return { t: 'other', parts: [], s, e };
    }
  }

  private comprehension(node: ComprehensionNode, kind: 'list' | 'set' | 'gen' | 'dict'): Expr {
    const fors: CompFor[] = [];
    for (const part of node.d.forIfNodes) {
      if (part.nodeType === ParseNodeType.ComprehensionFor) fors.push({ target: this.target(part.d.targetExpr), iter: this.expr(part.d.iterableExpr), ifs: [] });
      else fors[fors.length - 1]?.ifs.push(this.expr(part.d.testExpr));
    }
    for (const f of fors) f.ifs = exact(f.ifs);
    const inner = node.d.expr;
    if (inner.nodeType === ParseNodeType.DictionaryKeyEntry) {
      return { t: 'comp', kind: 'dict', fors: exact(fors), elt: this.expr(inner.d.keyExpr), value: this.expr(inner.d.valueExpr), s: this.at(node), e: this.end(node) };
    }
    return { t: 'comp', kind, fors: exact(fors), elt: this.expr(inner), value: undefined, s: this.at(node), e: this.end(node) };
  }
}
