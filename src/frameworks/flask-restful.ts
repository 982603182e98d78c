// flask-restful's (and flask-restx's) reqparse: a parser's declared arguments are the caller's key set, read
// syntactically from every `<parser>.add_argument('name')`, where the parser is filled and where it is made
// (so a parser declared in one module and parsed in another keeps its arguments), and through `.copy()`.
import { only } from '../dataflow/keyset.js';
import { obj } from '../dataflow/facts.js';
import type { LibraryModel } from '../dataflow/library.js';
import type { Expr, ModuleIR, Stmt } from '../python/ir.js';
import { childBodies } from '../semantic/project.js';
import { tagged } from './access.js';

const PARSER = 'reqparse.parser';
/** `reqparse.RequestParser()`, `RequestParser()`, `api.parser()`, `ns.parser()`. */
const MAKES_PARSER = /(^|\.)(RequestParser|parser)$/;
/** The words a statement that declares, makes or copies a parser holds. */
const NAMES_PARSER = /\b(?:add_argument|remove_argument|RequestParser|parser|copy)\b/;

export function reqparseModel(modules: Iterable<ModuleIR>): LibraryModel {
  const declared = new Map<string, Set<string>>();
  /** The offset of each call that makes a parser, to the `module:name` it is assigned to. */
  const made = new Map<string, string>();
  /** `copy = parser.copy()`: the copy's `module:name` to the parser's. */
  const copies = new Map<string, string>();
  for (const module of modules) if (module.entry || /\b(add_argument|RequestParser)\b/.test(module.source)) collect(module, module.body, declared, made, copies);
  const argumentsOf = (key: string, seen = new Set<string>()): string[] => {
    if (seen.has(key)) return [];
    seen.add(key);
    const parent = copies.get(key);
    const removed = declared.get(`-${key}`);
    return [...(declared.get(key) ?? []), ...(parent ? argumentsOf(parent, seen) : [])].filter((a) => !removed?.has(a));
  };
  return {
    name: 'flask-restful.reqparse',
    call(site) {
      const name = made.get(`${site.path}:${site.expr.s}`);
      if (name) return [obj({ type: 'tagged', tag: PARSER, cls: name })];
      if (site.method !== 'parse_args' || !site.receiverExpr) return undefined;
      const keys = [`${site.path}:${site.text(site.receiverExpr)}`, ...tagged(site.receiver ?? [], PARSER).map((t) => t.cls!)];
      const args = keys.flatMap((k) => argumentsOf(k));
      if (!keys.some((k) => declared.has(k) || copies.has(k))) return undefined;
      return [{ k: 'map', origin: { source: site.text(site.expr) }, keys: only(args), trace: [site.step(site.expr)], bound: 'reqparse' }];
    },
  };
}

function collect(module: ModuleIR, body: Stmt[], out: Map<string, Set<string>>, made: Map<string, string>, copies: Map<string, string>): void {
  for (const stmt of body) {
    const target = stmt.t === 'assign' ? stmt.targets[0] : undefined;
    const value = stmt.t === 'assign' ? stmt.value : undefined;
    if (stmt.t === 'expr') visitCall(module, stmt.value, out);
    else if (value?.t === 'call' && (target?.t === 'name' || target?.t === 'attr')) {
      const name = `${module.path}:${text(module, target)}`;
      if (MAKES_PARSER.test(calleeText(module, value.fn))) made.set(`${module.path}:${value.s}`, name);
      const original = value.fn.t === 'attr' && value.fn.name === 'copy' ? `${module.path}:${text(module, value.fn.obj)}` : undefined;
      // only a parser's copy: `data.copy()` of a dict stays a dict
      if (original && (out.has(original) || [...made.values()].includes(original))) {
        made.set(`${module.path}:${value.s}`, name);
        copies.set(name, original);
      }
    } else if (stmt.t === 'def') {
      // only a body that names a parser can declare, make or copy one: the others need not be parsed
      if (NAMES_PARSER.test(module.source.slice(stmt.fn.s, stmt.fn.e))) collect(module, stmt.fn.body, out, made, copies);
    } else if (stmt.t === 'class') {
      collect(module, stmt.cls.body, out, made, copies);
    } else {
      for (const child of childBodies(stmt)) collect(module, child, out, made, copies);
    }
  }
}

/** `p.add_argument('x')` declares x under `module:p`; `p.remove_argument('x')` records it under `-module:p`. */
function visitCall(module: ModuleIR, expr: Expr, out: Map<string, Set<string>>): void {
  if (expr.t !== 'call' || expr.fn.t !== 'attr' || (expr.fn.name !== 'add_argument' && expr.fn.name !== 'remove_argument')) return;
  const dest = expr.args.find((a) => a.name === 'dest')?.value;
  const name = dest?.t === 'str' ? dest.v : expr.args[0]?.value.t === 'str' ? expr.args[0].value.v : undefined;
  if (!name) return;
  const key = `${expr.fn.name === 'remove_argument' ? '-' : ''}${module.path}:${text(module, expr.fn.obj)}`;
  const set = out.get(key) ?? new Set<string>();
  set.add(name.replace(/^-+/, ''));
  out.set(key, set);
}

function calleeText(module: ModuleIR, fn: Expr): string {
  return fn.t === 'name' ? fn.id : fn.t === 'attr' ? text(module, fn) : '';
}

function text(module: ModuleIR, expr: Expr): string {
  return module.source.slice(expr.s, expr.e).replace(/\s+/g, ' ').trim();
}
