// flask-restful's reqparse: a parser's declared arguments are the caller's key set, read syntactically
// from every `<parser>.add_argument('name')` in the module (wherever the parser is filled).
import { only } from '../dataflow/keyset.js';
import type { LibraryModel } from '../dataflow/library.js';
import type { Expr, ModuleIR, Stmt } from '../python/ir.js';
import { childBodies } from '../semantic/project.js';

export function reqparseModel(modules: Iterable<ModuleIR>): LibraryModel {
  const declared = new Map<string, Set<string>>();
  for (const module of modules) if (module.entry) collectArguments(module, module.body, declared);
  return {
    name: 'flask-restful.reqparse',
    call(site) {
      if (site.method !== 'parse_args' || !site.receiverExpr) return undefined;
      const args = declared.get(`${site.path}:${site.text(site.receiverExpr)}`);
      if (!args) return undefined;
      return [{ k: 'map', origin: { source: site.text(site.expr) }, keys: only(args), trace: [site.step(site.expr)], bound: 'reqparse' }];
    },
  };
}

function collectArguments(module: ModuleIR, body: Stmt[], out: Map<string, Set<string>>): void {
  for (const stmt of body) {
    if (stmt.t === 'expr') visitCall(module, stmt.value, out);
    else if (stmt.t === 'def') collectArguments(module, stmt.fn.body, out);
    else if (stmt.t === 'class') collectArguments(module, stmt.cls.body, out);
    else for (const child of childBodies(stmt)) collectArguments(module, child, out);
  }
}

function visitCall(module: ModuleIR, expr: Expr, out: Map<string, Set<string>>): void {
  if (expr.t !== 'call' || expr.fn.t !== 'attr' || expr.fn.name !== 'add_argument') return;
  const dest = expr.args.find((a) => a.name === 'dest')?.value;
  const name = dest?.t === 'str' ? dest.v : expr.args[0]?.value.t === 'str' ? expr.args[0].value.v : undefined;
  if (!name) return;
  const receiver = module.source.slice(expr.fn.obj.s, expr.fn.obj.e).replace(/\s+/g, ' ').trim();
  const key = `${module.path}:${receiver}`;
  const set = out.get(key) ?? new Set<string>();
  set.add(name.replace(/^-+/, ''));
  out.set(key, set);
}
