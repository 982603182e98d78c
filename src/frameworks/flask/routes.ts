// Route discovery as the server's URL map has it: decorators on views and view classes (`@bp.route`,
// `@ns.route`), call-style decorators (`bp.put("")(view)`), `add_url_rule` (with `as_view`), `add_resource`,
// wherever they are called: module code, app factories, and project helpers called with the rule and view.
import { EMPTY, obj, refs, union, type Value } from '../../dataflow/facts.js';
import type { Engine } from '../../dataflow/engine.js';
import { Frame } from '../../dataflow/interpreter.js';
import type { Expr, ModuleIR, Stmt } from '../../python/ir.js';
import { childBodies, type ClassInfo, type FunctionInfo } from '../../semantic/project.js';
import { classAssignment } from '../../dataflow/classes.js';
import { externalPaths, tagged } from '../access.js';
import { BLUEPRINT, containerOf, mount, VIEW, type BlueprintData } from './app.js';
import type { AuthInfo } from '../../result.js';
import { jsonapiRoutes } from '../flask-rest-jsonapi.js';

const VERB_DECORATORS = new Set(['get', 'post', 'put', 'patch', 'delete']);
const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];
/** Text of code that may register routes or mount containers. */
const REGISTRATION_TEXT = /\.(add_url_rule|add_resource|add_namespace|register_blueprint|init_app|namespace)\(|\.(route|get|post|put|patch|delete)\([^)]*\)\s*\(/;
const MAX_HELPER_DEPTH = 3;
/** An import of Flask or a Flask extension: a module outside entry code that may wire an app's routes. */
const FLASK_IMPORT = /^[ \t]*(?:from|import)[ \t]+(?:flask\w*|connexion|apiflask)\b/m;
/** How many project helper names the wiring text follows (beyond that, registrations are read where they are written). */
const MAX_WIRING_NAMES = 64;
/** Frameworks whose `@app.post(...)` looks like Flask's but is not a Flask route. */
const OTHER_FRAMEWORKS = /^(fastapi|starlette|sanic|aiohttp|litestar|bottle|falcon)\./;

type Call = Extract<Expr, { t: 'call' }>;

/** Where registrations are evaluated: a frame that ran the wiring code, or one row of a route table over it. */
interface Scope {
  evaluate(expr: Expr): Value;
}

interface Located {
  expr: Expr;
  module: ModuleIR;
}

export interface DiscoveredRoute {
  methods: string[];
  rule: string;
  handler: FunctionInfo;
  /** The container (blueprint, Api, Namespace) the route is declared on, if any. */
  blueprint?: BlueprintData;
  /** The view class, for class-based views (its `decorators` apply). */
  viewClass?: ClassInfo;
  /** Decorators applied at registration: `add_url_rule('/x', view_func=require_key(view))`. */
  wrappers?: { expr: Expr; module: ModuleIR }[];
  /** Auth declared outside the code (a connexion spec's security), used when no decorator says otherwise. */
  auth?: AuthInfo;
}

export function discoverRoutes(engine: Engine): DiscoveredRoute[] {
  const routes: DiscoveredRoute[] = [];
  const wires = wiringText(engine);
  const wiring = new Wiring(engine, routes, wires);
  for (const module of engine.project.modules.values()) {
    // other modules are read when a helper call leads into them; these may wire routes themselves
    if (!module.entry && !(wires.test(module.source) && FLASK_IMPORT.test(module.source))) continue;
    wiring.module(module);
  }
  // a decorator inside a factory names the factory's locals (`bp = Blueprint(...)` then `@bp.route`)
  const receiverOf = (module: ModuleIR, qname: string, expr: Expr) => wiring.scopeAround(qname)?.evaluate(expr) ?? engine.evaluateInModule(module.name, expr);
  for (const fn of engine.project.functions.values()) {
    for (const decorator of fn.def.decorators) {
      const route = decoratorRoute(fn, decorator, (e) => receiverOf(fn.module, fn.qname, e));
      if (route) routes.push(route);
    }
  }
  for (const cls of engine.project.classes.values()) {
    for (const decorator of cls.def.decorators) routes.push(...classDecoratorRoutes(cls, decorator, (e) => receiverOf(cls.module, cls.qname, e)));
  }
  // `@resource('/v1/users')` on a class: a project decorator whose wrapper registers what it decorates
  const decorated: [Value, Expr[], ModuleIR, string][] = [
    ...[...engine.project.classes.values()].map((c): [Value, Expr[], ModuleIR, string] => [[obj({ type: 'class', cls: c.qname })], c.def.decorators, c.module, c.qname]),
    ...[...engine.project.functions.values()].map((f): [Value, Expr[], ModuleIR, string] => [[obj({ type: 'function', fn: f.qname })], f.def.decorators, f.module, f.qname]),
  ];
  for (const [target, decorators, module, qname] of decorated) {
    for (const d of decorators) {
      if (d.t === 'call' && d.fn.t !== 'attr') wiring.applyDecorator(target, d, wiring.scopeAround(qname) ?? { evaluate: (e) => engine.evaluateInModule(module.name, e) });
    }
  }
  const seen = new Set<string>();
  return routes.filter((r) => {
    const key = `${r.methods.join(',')} ${r.rule} ${r.handler.qname} ${r.blueprint?.name ?? ''}:${r.blueprint?.prefix ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function decoratorRoute(fn: FunctionInfo, decorator: Expr, receiverOf: (e: Expr) => Value): DiscoveredRoute | undefined {
  if (decorator.t !== 'call' || decorator.fn.t !== 'attr') return undefined;
  const verb = decorator.fn.name;
  if (verb !== 'route' && !VERB_DECORATORS.has(verb)) return undefined;
  const ruleArg = decorator.args.find((a) => !a.name || a.name === 'rule')?.value;
  if (ruleArg?.t !== 'str') return undefined;
  const receiver = receiverOf(decorator.fn.obj);
  if (externalPaths(receiver).some((p) => OTHER_FRAMEWORKS.test(p))) return undefined;
  const methods = verb === 'route' ? syntacticMethods(decorator) ?? ['GET'] : [verb.toUpperCase()];
  return { methods, rule: ruleArg.v, handler: fn, blueprint: containerOf(receiver) };
}

/** `@ns.route('/x')` / `@blp.route('/x')` on a Resource or MethodView class. */
function classDecoratorRoutes(cls: ClassInfo, decorator: Expr, receiverOf: (e: Expr) => Value): DiscoveredRoute[] {
  if (decorator.t !== 'call' || decorator.fn.t !== 'attr' || decorator.fn.name !== 'route') return [];
  const rules = decorator.args.filter((a) => !a.name && !a.star).flatMap((a) => (a.value.t === 'str' ? [a.value.v] : []));
  if (rules.length === 0) return [];
  const container = containerOf(receiverOf(decorator.fn.obj));
  return classRoutes(cls, rules, container, syntacticMethods(decorator));
}

/** Runs code that wires routes (module bodies, factories, helpers) and reads its registrations with their values. */
class Wiring {
  private readonly running = new Set<string>();
  private readonly done = new Set<string>();
  /** The frame each wiring function ran in, for the decorators of what it defines. */
  private readonly frames = new Map<string, Frame>();

  constructor(private readonly engine: Engine, private readonly routes: DiscoveredRoute[], private readonly wires: RegExp) {}

  module(module: ModuleIR): void {
    this.engine.project.load(module);
    const env = this.engine.globalsOf(module);
    const frame = new Frame(this.engine, module, undefined, env);
    this.read(frame, module, module.body, 0);
    for (const stmt of module.body) this.functions(module, stmt);
  }

  /** Runs a decorator factory's wrapper on what it decorates, when the factory wires routes. */
  applyDecorator(target: Value, decorator: Call, scope: Scope): void {
    for (const r of refs(scope.evaluate(decorator.fn))) {
      const outer = r.type === 'function' ? this.engine.project.functions.get(r.fn) : undefined;
      if (!outer || !this.wires.test(bodyText(outer.module.source.slice(outer.def.s, outer.def.e)))) continue;
      const frame = new Frame(this.engine, outer.module, outer, bindings(scope, outer, decorator, undefined));
      frame.run(outer.def.body);
      for (const stmt of outer.def.body) {
        const inner = stmt.t === 'def' ? (this.engine.project.definitions.get(stmt) as FunctionInfo | undefined) : undefined;
        const param = inner?.def.params[0];
        if (!inner || !param) continue;
        const env = new Map(frame.env);
        for (const p of inner.def.params) env.set(p.name, EMPTY);
        env.set(param.name, target);
        const innerFrame = new Frame(this.engine, inner.module, inner, env);
        innerFrame.run(inner.def.body);
        this.read(innerFrame, inner.module, inner.def.body, 1);
      }
    }
  }

  /** The frame of the wiring function a definition is nested in (`factory.View` in `factory`). */
  scopeAround(qname: string): Scope | undefined {
    for (let at = qname.lastIndexOf('.'); at > 0; at = qname.lastIndexOf('.', at - 1)) {
      const frame = this.frames.get(qname.slice(0, at));
      if (frame) return frame;
    }
    return undefined;
  }

  /** Top-level functions (and methods) of a module that wire routes, run with their parameters unknown. */
  private functions(module: ModuleIR, stmt: Stmt): void {
    if (stmt.t === 'class') for (const s of stmt.cls.body) this.functions(module, s);
    if (stmt.t !== 'def') return;
    const fn = this.engine.project.definitions.get(stmt) as FunctionInfo | undefined;
    if (!fn || !this.wires.test(bodyText(module.source.slice(stmt.fn.s, stmt.fn.e)))) return;
    this.run(fn, new Map(fn.def.params.map((p) => [p.name, EMPTY])), 0);
  }

  private run(fn: FunctionInfo, env: Map<string, Value>, depth: number): void {
    // the same helper with the same arguments registers the same routes: run it once
    const key = `${fn.qname}(${[...env].map(([name, value]) => `${name}=${valueKey(value)}`).join(',')})`;
    if (this.done.has(key) || this.running.has(fn.qname) || depth > MAX_HELPER_DEPTH) return;
    this.done.add(key);
    this.running.add(fn.qname);
    try {
      const frame = new Frame(this.engine, fn.module, fn, env);
      frame.run(fn.def.body);
      if (!this.frames.has(fn.qname)) this.frames.set(fn.qname, frame);
      this.read(frame, fn.module, fn.def.body, depth);
    } finally {
      this.running.delete(fn.qname);
    }
  }

  private read(scope: Scope, module: ModuleIR, body: Stmt[], depth: number): void {
    for (const stmt of body) {
      if (stmt.t === 'def' || stmt.t === 'class') continue;
      // `for entry in ROUTES: api.add_resource(entry['res'], entry['url'])` over a literal table: once per row
      const rows = stmt.t === 'for' ? this.elements(module, stmt.iter, 0) : undefined;
      if (stmt.t === 'for' && rows) {
        for (const row of rows) this.read(substituted(this.engine, scope, stmt.target, row), module, stmt.body, depth);
        continue;
      }
      // `for blueprint in blueprints:` over a value: the loop name stands for any element
      if (stmt.t === 'for' && stmt.target.t === 'name') {
        const name = stmt.target.id;
        const items = scope.evaluate(stmt.iter).map((f) => (f.k === 'object' && f.ref.type === 'strings' ? obj({ ...f.ref, collection: false }) : f));
        this.read({ evaluate: (e) => (e.t === 'name' && e.id === name ? items : scope.evaluate(e)) }, module, stmt.body, depth);
        this.read(scope, module, stmt.orelse, depth);
        continue;
      }
      if ((stmt.t === 'expr' || stmt.t === 'assign' || stmt.t === 'return') && stmt.value?.t === 'call') this.call(scope, module, stmt.value, depth);
      for (const child of childBodies(stmt)) this.read(scope, module, child, depth);
    }
  }

  /** The items of a literal list or tuple, through names, imports and `*spread`s; undefined when not literal. */
  private elements(module: ModuleIR, expr: Expr, depth: number): Located[] | undefined {
    if (depth > 12) return undefined;
    if (expr.t === 'seq') {
      const out: Located[] = [];
      for (const item of expr.items) {
        if (item.t !== 'star') out.push({ expr: item, module });
        else {
          const inner = this.elements(module, item.value, depth + 1);
          if (!inner) return undefined;
          out.push(...inner);
        }
      }
      return out;
    }
    if (expr.t !== 'name') return undefined;
    for (const stmt of module.body) {
      if (stmt.t === 'assign' && stmt.targets.some((t) => t.t === 'name' && t.id === expr.id)) return this.elements(module, stmt.value, depth + 1);
      if (stmt.t !== 'import') continue;
      const binding = stmt.bindings.find((b) => b.local === expr.id && b.member);
      const target = binding && this.engine.project.resolveModule(module, binding.module);
      if (target) return this.elements(target, { ...expr, id: binding.member! }, depth + 1);
    }
    return undefined;
  }

  private call(scope: Scope, module: ModuleIR, call: Call, depth: number): void {
    const fn = call.fn;
    this.ownPrefix(scope, module, call);
    if (fn.t === 'attr' && fn.name === 'add_url_rule') return this.urlRule(scope, module, call);
    if (fn.t === 'attr' && fn.name === 'add_resource') return this.resource(scope, module, call);
    if (fn.t === 'attr' && fn.name === 'route') return this.jsonapiRoute(scope, module, call);
    if (fn.t === 'attr' && (fn.name === 'register_blueprint' || fn.name === 'add_namespace')) return this.mount(scope, module, call, fn.name === 'add_namespace' ? 'path' : 'url_prefix');
    if (fn.t === 'call' && fn.fn.t === 'attr' && (fn.fn.name === 'route' || VERB_DECORATORS.has(fn.fn.name))) return this.callStyle(scope, module, fn, call);
    // a project helper that registers what it is given: run it with this call's arguments
    for (const r of refs(scope.evaluate(fn))) {
      const helper = r.type === 'function' ? this.engine.project.functions.get(r.fn) : undefined;
      if (!helper || !this.wires.test(bodyText(helper.module.source.slice(helper.def.s, helper.def.e)))) continue;
      // `self` is the whole receiver (an Api subclass instance is also the container it makes)
      const self = r.type === 'function' && r.boundSelf && fn.t === 'attr' ? union(r.boundSelf, scope.evaluate(fn.obj)) : r.type === 'function' ? r.boundSelf : undefined;
      this.run(helper, bindings(scope, helper, call, self), depth + 1);
    }
  }

  private urlRule(scope: Scope, module: ModuleIR, call: Call): void {
    const positional = call.args.filter((a) => !a.name && !a.star);
    const ruleExpr = call.args.find((a) => a.name === 'rule')?.value ?? positional[0]?.value;
    const viewExpr = call.args.find((a) => a.name === 'view_func')?.value ?? positional[2]?.value;
    const rules = ruleExpr ? ruleStrings(scope, module, ruleExpr) : [];
    if (rules.length === 0 || !viewExpr || call.fn.t !== 'attr') return;
    const container = containerOf(scope.evaluate(call.fn.obj));
    const methodsExpr = call.args.find((a) => a.name === 'methods')?.value;
    this.view(scope, module, viewExpr, rules, container, methodsExpr ? methodsOf(scope.evaluate(methodsExpr)) : undefined, []);
  }

  private resource(scope: Scope, module: ModuleIR, call: Call): void {
    const positional = call.args.filter((a) => !a.name && !a.star);
    if (!positional[0] || call.fn.t !== 'attr') return;
    const cls = classIn(this.engine, scope.evaluate(positional[0].value));
    const spread = call.args.filter((a) => a.star === 1).flatMap((a) => refs(scope.evaluate(a.value)).flatMap((r) => (r.type === 'strings' ? [...r.values] : [])));
    const rules = [...positional.slice(1).flatMap((a) => ruleStrings(scope, module, a.value)), ...spread];
    const container = containerOf(scope.evaluate(call.fn.obj));
    if (cls) this.routes.push(...classRoutes(cls, rules, container, undefined));
  }

  /** A container's own prefix the container model could not read as a constant: `Api(prefix="/api/{0}".format(v))`. */
  private ownPrefix(scope: Scope, module: ModuleIR, call: Call): void {
    const given = call.args.find((a) => a.name === 'url_prefix' || a.name === 'prefix' || a.name === 'path')?.value;
    if (!given || given.t === 'str') return;
    const container = containerOf(scope.evaluate(call));
    const prefix = ruleStrings(scope, module, given)[0];
    if (!container || prefix === undefined || container.prefix) return;
    // mounts made before the prefix was known used the empty one
    container.registeredPrefixes = container.registeredPrefixes.map((p) => (p === '' ? prefix : p));
    container.prefix = prefix;
  }

  /** A mount prefix the container model could not read as a constant: `add_namespace(ns, path=f"/{root}/x")`. */
  private mount(scope: Scope, module: ModuleIR, call: Call, keyword: string): void {
    if (!call.args[0] || call.fn.t !== 'attr') return;
    const prefix = call.args.find((a) => a.name === keyword)?.value;
    const containers = tagged(scope.evaluate(call.args[0].value), BLUEPRINT).map((t) => t.data as BlueprintData);
    const parent = containerOf(scope.evaluate(call.fn.obj));
    const prefixes = prefix ? ruleStrings(scope, module, prefix) : [undefined];
    for (const at of prefixes) for (const c of containers) mount(c, parent, at);
  }

  /** flask-rest-jsonapi's `api.route(Resource, 'endpoint', *urls)`. */
  private jsonapiRoute(scope: Scope, module: ModuleIR, call: Call): void {
    const positional = call.args.filter((a) => !a.name && !a.star);
    const cls = positional[0] ? classIn(this.engine, scope.evaluate(positional[0].value)) : undefined;
    if (!cls || call.fn.t !== 'attr') return;
    const rules = positional.slice(2).flatMap((a) => ruleStrings(scope, module, a.value));
    this.routes.push(...jsonapiRoutes(this.engine, cls, rules, containerOf(scope.evaluate(call.fn.obj))));
  }

  /** `bp.put("/x")(view)`: the decorator applied by hand. */
  private callStyle(scope: Scope, module: ModuleIR, decorator: Call, call: Call): void {
    const attr = decorator.fn as Extract<Expr, { t: 'attr' }>;
    const ruleExpr = decorator.args.find((a) => !a.name || a.name === 'rule')?.value;
    const viewExpr = call.args[0]?.value;
    const rules = ruleExpr ? ruleStrings(scope, module, ruleExpr) : [];
    if (rules.length === 0 || !viewExpr) return;
    const container = containerOf(scope.evaluate(attr.obj));
    const methodsExpr = decorator.args.find((a) => a.name === 'methods')?.value;
    const methods = attr.name === 'route' ? (methodsExpr ? methodsOf(scope.evaluate(methodsExpr)) : undefined) : [attr.name.toUpperCase()];
    this.view(scope, module, viewExpr, rules, container, methods, []);
  }

  /** The view a registration names: a function, `Cls.as_view(...)`, a class (flask-restx), possibly wrapped in decorators. */
  private view(scope: Scope, module: ModuleIR, expr: Expr, rules: string[], container: BlueprintData | undefined, methods: string[] | undefined, wrappers: { expr: Expr; module: ModuleIR }[]): void {
    const value = scope.evaluate(expr);
    const fn = refs(value).flatMap((r) => (r.type === 'function' ? [this.engine.project.functions.get(r.fn) ?? []].flat() : []))[0];
    const viewCls = tagged(value, VIEW)[0]?.cls ?? (expr.t === 'call' && expr.fn.t === 'attr' && expr.fn.name === 'as_view' ? classIn(this.engine, scope.evaluate(expr.fn.obj))?.qname : undefined);
    const cls = viewCls ? this.engine.project.classes.get(viewCls) : undefined;
    if (cls) {
      for (const route of classRoutes(cls, rules, container, methods)) this.routes.push({ ...route, wrappers });
      return;
    }
    // `require_key(view)`: the decorator applies to the view registered
    if (expr.t === 'call' && expr.args[0] && !expr.args[0].name && (!fn || fn.parent)) {
      return this.view(scope, module, expr.args[0].value, rules, container, methods, [...wrappers, { expr: expr.fn, module }]);
    }
    if (fn) for (const rule of rules) this.routes.push({ methods: methods ?? ['GET'], rule, handler: fn, blueprint: container, wrappers });
  }
}

/**
 * Text of code that wires routes: registration calls, or calls of a project function that (through up to
 * three such calls) makes them, so `create_app()` calling `register_api(app, UserAPI, '/users/')` is run.
 */
function wiringText(engine: Engine): RegExp {
  const names = new Set<string>();
  const bodies = new Map<ModuleIR, [string, string][]>();
  // a round looks for calls of what the round before found: a body calling anything older was found then
  let finding = REGISTRATION_TEXT;
  for (let round = 0; round < 3; round++) {
    const found: string[] = [];
    for (const module of engine.project.modules.values()) {
      if (!finding.test(module.source)) continue;
      let defs = bodies.get(module);
      if (!defs) bodies.set(module, (defs = functionTexts(module.source).map(([name, text]) => [name, bodyText(text)])));
      for (const [name, body] of defs) {
        if (names.size < MAX_WIRING_NAMES && !names.has(name) && name.length > 3 && !HTTP_METHODS.includes(name) && !name.startsWith('_') && finding.test(body)) {
          names.add(name);
          found.push(name);
        }
      }
    }
    if (found.length === 0) break;
    finding = new RegExp(`\\b(${found.join('|')})\\(`);
  }
  return names.size === 0 ? REGISTRATION_TEXT : new RegExp(`${REGISTRATION_TEXT.source}|\\b(${[...names].join('|')})\\(`);
}

/** A function's text without its decorators and signature (a function's own name is no call of it). */
function bodyText(text: string): string {
  return text.replace(/^[\s\S]*?\)\s*(->[^:\n]*)?:/, '');
}

/** Each `def` of a source with its text, up to the next line indented no deeper than the `def`. */
function functionTexts(source: string): [string, string][] {
  const out: [string, string][] = [];
  const lines = source.split('\n');
  lines.forEach((line, i) => {
    const m = /^([ \t]*)(?:async[ \t]+)?def[ \t]+(\w+)/.exec(line);
    if (!m) return;
    const indent = m[1]!.length;
    let j = i + 1;
    while (j < lines.length && (lines[j]!.trim() === '' || /^[ \t]*/.exec(lines[j]!)![0].length > indent || /^\s*[)\]}]/.test(lines[j]!))) j++;
    out.push([m[2]!, lines.slice(i, j).join('\n')]);
  });
  return out;
}

/** A scope where the loop target names one row of a literal table: `row['url']`, or `url` of `for res, url in ...`. */
function substituted(engine: Engine, scope: Scope, target: Expr, row: Located): Scope {
  const inRow = (expr: Expr) => engine.evaluateInModule(row.module.name, expr);
  return {
    evaluate(expr) {
      if (target.t === 'name' && expr.t === 'name' && expr.id === target.id) return inRow(row.expr);
      if (target.t === 'name' && expr.t === 'sub' && expr.obj.t === 'name' && expr.obj.id === target.id && row.expr.t === 'dict' && expr.index.t === 'str') {
        const key = expr.index.v;
        const entry = row.expr.entries.find((e): e is { key: Expr; value: Expr } => 'key' in e && e.key.t === 'str' && e.key.v === key);
        return entry ? inRow(entry.value) : EMPTY;
      }
      if (target.t === 'seq' && expr.t === 'name' && row.expr.t === 'seq') {
        const index = target.items.findIndex((i) => i.t === 'name' && i.id === expr.id);
        if (index >= 0) return row.expr.items[index] ? inRow(row.expr.items[index]!) : EMPTY;
      }
      return scope.evaluate(expr);
    },
  };
}

/** What a value is, as far as registrations can tell: its strings, classes, functions and containers. */
function valueKey(value: Value): string {
  return refs(value).map((r) => (r.type === 'strings' ? `s:${[...r.values].join('|')}` : r.type === 'class' || r.type === 'instance' ? `${r.type}:${r.cls}` : r.type === 'function' ? `f:${r.fn}` : r.type === 'tagged' ? `t:${r.cls ?? r.tag}` : r.type === 'external' ? `e:${r.path}` : r.type)).sort().join(';');
}

/** A helper's parameters bound to a call's arguments (positional, keyword, and defaults left unknown). */
function bindings(scope: Scope, helper: FunctionInfo, call: Call, boundSelf: Value | undefined): Map<string, Value> {
  const env = new Map<string, Value>(helper.def.params.map((p) => [p.name, EMPTY]));
  const params = helper.def.params.filter((p) => p.kind === 'positional');
  const offset = boundSelf ? 1 : 0;
  if (boundSelf && params[0]) env.set(params[0].name, boundSelf);
  const rest: Value[] = [];
  call.args.filter((a) => !a.name && !a.star).forEach((a, i) => {
    const p = params[i + offset];
    if (p) env.set(p.name, scope.evaluate(a.value));
    else rest.push(scope.evaluate(a.value));
  });
  // `def add_org_resource(self, resource, *urls)`: the extra positional arguments
  const varargs = helper.def.params.find((p) => p.kind === 'varargs');
  if (varargs) env.set(varargs.name, union(...rest));
  for (const a of call.args) if (a.name && env.has(a.name)) env.set(a.name, scope.evaluate(a.value));
  for (const p of helper.def.params) {
    if (p.default && !call.args.some((a) => a.name === p.name) && env.get(p.name) === EMPTY) env.set(p.name, scope.evaluate(p.default));
  }
  return env;
}

/** The constant strings an expression may be: literals, names bound to strings, f-strings and `+` of known parts. */
function ruleStrings(scope: Scope, module: ModuleIR, expr: Expr): string[] {
  if (expr.t === 'str') return [expr.v];
  // "/api/{0}".format(version)
  if (expr.t === 'call' && expr.fn.t === 'attr' && expr.fn.name === 'format' && expr.fn.obj.t === 'str') {
    const positional = expr.args.filter((a) => !a.name && !a.star).map((a) => ruleStrings(scope, module, a.value)[0]);
    const named = new Map(expr.args.filter((a) => a.name).map((a) => [a.name!, ruleStrings(scope, module, a.value)[0]]));
    let next = 0;
    let missing = false;
    const text = expr.fn.obj.v.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (m, field: string | undefined) => {
      if (m === '{{') return '{';
      if (m === '}}') return '}';
      const value = field === '' ? positional[next++] : /^\d+$/.test(field!) ? positional[Number(field)] : named.get(field!);
      if (value === undefined) missing = true;
      return value ?? '';
    });
    return missing ? [] : [text];
  }
  if (expr.t === 'other') {
    const text = module.source.slice(expr.s, expr.e);
    const parts = expr.parts.map((p) => ruleStrings(scope, module, p));
    if (parts.some((p) => p.length !== 1)) return [];
    const fstring = /^[rRbB]?[fF][rR]?(['"]{1,3})([\s\S]*)\1$/.exec(text);
    if (fstring) {
      let i = 0;
      return [fstring[2]!.replace(/\{\{|\}\}|\{[^{}]*\}/g, (m) => (m === '{{' ? '{' : m === '}}' ? '}' : parts[i++]![0]!))];
    }
    const [left, right] = expr.parts;
    if (left && right && module.source.slice(left.e, right.s).trim() === '+') return [parts[0]![0]! + parts[1]![0]!];
    return [];
  }
  const strings = refs(scope.evaluate(expr)).flatMap((r) => (r.type === 'strings' && !r.collection ? [...r.values] : []));
  return strings;
}

function methodsOf(value: Value): string[] | undefined {
  const out = refs(value).flatMap((r) => (r.type === 'strings' ? [...r.values].map((m) => m.toUpperCase()) : []));
  return out.length > 0 ? [...new Set(out)] : undefined;
}

function classIn(engine: Engine, value: Value): ClassInfo | undefined {
  for (const r of refs(value)) if (r.type === 'class') return engine.project.classes.get(r.cls);
  return undefined;
}

/** A MethodView/Resource has a handler per HTTP method; a plain View has dispatch_request. */
function classRoutes(cls: ClassInfo, rules: string[], blueprint: BlueprintData | undefined, explicit: string[] | undefined): DiscoveredRoute[] {
  const out: DiscoveredRoute[] = [];
  const handlers = HTTP_METHODS.flatMap((m) => {
    const fn = cls.methods.get(m);
    return fn && (!explicit || explicit.includes(m.toUpperCase())) ? [{ method: m.toUpperCase(), fn }] : [];
  });
  for (const rule of rules) {
    if (handlers.length > 0) {
      for (const h of handlers) out.push({ methods: [h.method], rule, handler: h.fn, blueprint, viewClass: cls });
      continue;
    }
    const dispatch = cls.methods.get('dispatch_request');
    const declared = classAssignment(cls, 'methods');
    const methods = explicit ?? (declared?.t === 'seq' ? declared.items.flatMap((i) => (i.t === 'str' ? [i.v.toUpperCase()] : [])) : ['GET']);
    if (dispatch) out.push({ methods, rule, handler: dispatch, blueprint, viewClass: cls });
  }
  return out;
}

/** The full URL rules: each chain of mount prefixes, then the container's own, then the rule. */
export function fullRule(route: DiscoveredRoute): string[] {
  return [...new Set(prefixesOf(route.blueprint, new Set()).map((p) => joinRule(p, route.rule)))];
}

function prefixesOf(container: BlueprintData | undefined, seen: Set<BlueprintData>): string[] {
  if (!container || seen.has(container)) return [''];
  const next = new Set([...seen, container]);
  const own = container.registeredPrefixes.length > 0 ? container.registeredPrefixes : [container.prefix];
  const outer = container.parents.length > 0 ? container.parents.flatMap((p) => prefixesOf(p, next)) : [''];
  return outer.flatMap((o) => own.map((p) => joinPrefix(o, p)));
}

function joinPrefix(outer: string, inner: string): string {
  if (!outer) return inner;
  if (!inner) return outer;
  return `${outer.replace(/\/+$/, '')}/${inner.replace(/^\/+/, '')}`;
}

function joinRule(prefix: string, rule: string): string {
  if (!prefix) return rule || '/';
  if (!rule) return prefix;
  return `${prefix.replace(/\/+$/, '')}/${rule.replace(/^\/+/, '')}`;
}

function syntacticMethods(call: Call): string[] | undefined {
  const methods = call.args.find((a) => a.name === 'methods')?.value;
  if (methods?.t !== 'seq') return undefined;
  return methods.items.flatMap((i) => (i.t === 'str' ? [i.v.toUpperCase()] : []));
}

/** Visits every call expression statement (and assigned call) in a body, function and class bodies included. */
export function forEachCall(body: Stmt[], visit: (call: Call) => void): void {
  for (const stmt of body) {
    if ((stmt.t === 'expr' || stmt.t === 'assign') && stmt.value.t === 'call') visit(stmt.value);
    if (stmt.t === 'def') forEachCall(stmt.fn.body, visit);
    else if (stmt.t === 'class') forEachCall(stmt.cls.body, visit);
    else for (const child of childBodies(stmt)) forEachCall(child, visit);
  }
}
