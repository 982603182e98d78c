// Route discovery: `@app.route` and friends, `add_url_rule` (functions and class-based views), and
// flask-restful `add_resource`; each route with its methods, full URL rule, handler and blueprint.
import { refs, type Value } from '../../dataflow/facts.js';
import type { Engine } from '../../dataflow/engine.js';
import type { Expr, ModuleIR, Stmt } from '../../python/ir.js';
import { childBodies, type ClassInfo, type FunctionInfo } from '../../semantic/project.js';
import { classAssignment, tagged } from '../access.js';
import { BLUEPRINT, type BlueprintData } from './app.js';

const VERB_DECORATORS = new Set(['get', 'post', 'put', 'patch', 'delete']);
const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];

export interface DiscoveredRoute {
  methods: string[];
  rule: string;
  handler: FunctionInfo;
  /** The blueprint the route is declared on, if any. */
  blueprint?: BlueprintData;
  /** The view class, for class-based views (its `decorators` apply). */
  viewClass?: ClassInfo;
}

export function discoverRoutes(engine: Engine): DiscoveredRoute[] {
  const routes: DiscoveredRoute[] = [];
  for (const fn of engine.project.functions.values()) {
    for (const decorator of fn.def.decorators) {
      const route = decoratorRoute(engine, fn, decorator);
      if (route) routes.push(route);
    }
  }
  for (const module of engine.project.modules.values()) {
    if (module.entry) forEachCall(module.body, (call) => {
      if (call.fn.t !== 'attr') return;
      if (call.fn.name === 'add_url_rule') routes.push(...urlRule(engine, module, call));
      if (call.fn.name === 'add_resource') routes.push(...resource(engine, module, call));
    });
  }
  return routes;
}

function decoratorRoute(engine: Engine, fn: FunctionInfo, decorator: Expr): DiscoveredRoute | undefined {
  if (decorator.t !== 'call' || decorator.fn.t !== 'attr') return undefined;
  const verb = decorator.fn.name;
  if (verb !== 'route' && !VERB_DECORATORS.has(verb)) return undefined;
  const ruleArg = decorator.args.find((a) => !a.name || a.name === 'rule')?.value;
  if (ruleArg?.t !== 'str') return undefined;
  const receiver = engine.evaluateInModule(fn.module.name, decorator.fn.obj);
  const methods = verb === 'route' ? methodsArg(decorator) ?? ['GET'] : [verb.toUpperCase()];
  return { methods, rule: ruleArg.v, handler: fn, blueprint: blueprintOf(receiver) };
}

function urlRule(engine: Engine, module: ModuleIR, call: Extract<Expr, { t: 'call' }>): DiscoveredRoute[] {
  const rule = call.args.find((a) => !a.name || a.name === 'rule')?.value;
  const viewArg = call.args.find((a) => a.name === 'view_func')?.value ?? call.args.filter((a) => !a.name)[2]?.value;
  if (rule?.t !== 'str' || !viewArg) return [];
  const blueprint = call.fn.t === 'attr' ? blueprintOf(engine.evaluateInModule(module.name, call.fn.obj)) : undefined;
  const explicit = methodsArg(call);
  // Cls.as_view('name') or a function
  if (viewArg.t === 'call' && viewArg.fn.t === 'attr' && viewArg.fn.name === 'as_view') {
    const cls = classOf(engine, module, viewArg.fn.obj);
    return cls ? classRoutes(cls, [rule.v], blueprint, explicit) : [];
  }
  const fn = functionOf(engine, module, viewArg);
  return fn ? [{ methods: explicit ?? ['GET'], rule: rule.v, handler: fn, blueprint }] : [];
}

function resource(engine: Engine, module: ModuleIR, call: Extract<Expr, { t: 'call' }>): DiscoveredRoute[] {
  const positional = call.args.filter((a) => !a.name && !a.star);
  const cls = positional[0] ? classOf(engine, module, positional[0].value) : undefined;
  if (!cls) return [];
  const rules = positional.slice(1).flatMap((a) => (a.value.t === 'str' ? [a.value.v] : []));
  return classRoutes(cls, rules, undefined, undefined);
}

/** A MethodView/Resource has a handler per HTTP method; a plain View has dispatch_request. */
function classRoutes(cls: ClassInfo, rules: string[], blueprint: BlueprintData | undefined, explicit: string[] | undefined): DiscoveredRoute[] {
  const out: DiscoveredRoute[] = [];
  const handlers = HTTP_METHODS.flatMap((m) => {
    const fn = cls.methods.get(m);
    return fn ? [{ method: m.toUpperCase(), fn }] : [];
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

/** The full URL rule: registration prefix, then the blueprint's own prefix, then the rule. */
export function fullRule(route: DiscoveredRoute): string[] {
  const bp = route.blueprint;
  if (!bp) return [route.rule];
  const prefixes = bp.registeredPrefixes.length > 0 ? bp.registeredPrefixes : [bp.prefix];
  const parentPrefixes = bp.parents.length > 0 ? bp.parents.flatMap((p) => fullRule({ ...route, rule: '', blueprint: p })) : [''];
  return [...new Set(parentPrefixes.flatMap((pp) => prefixes.map((p) => joinRule(pp, joinRule(p, route.rule)))))];
}

function joinRule(prefix: string, rule: string): string {
  if (!prefix) return rule || '/';
  if (!rule) return prefix;
  return `${prefix.replace(/\/+$/, '')}/${rule.replace(/^\/+/, '')}`;
}

function methodsArg(call: Extract<Expr, { t: 'call' }>): string[] | undefined {
  const methods = call.args.find((a) => a.name === 'methods')?.value;
  if (methods?.t !== 'seq') return undefined;
  return methods.items.flatMap((i) => (i.t === 'str' ? [i.v.toUpperCase()] : []));
}

function blueprintOf(value: Value): BlueprintData | undefined {
  return tagged(value, BLUEPRINT)[0]?.data as BlueprintData | undefined;
}

function classOf(engine: Engine, module: ModuleIR, expr: Expr): ClassInfo | undefined {
  for (const r of refs(engine.evaluateInModule(module.name, expr))) {
    if (r.type === 'class') return engine.project.classes.get(r.cls);
  }
  return undefined;
}

function functionOf(engine: Engine, module: ModuleIR, expr: Expr): FunctionInfo | undefined {
  for (const r of refs(engine.evaluateInModule(module.name, expr))) {
    if (r.type === 'function') return engine.project.functions.get(r.fn);
  }
  return undefined;
}

/** Visits every call expression statement in a body, including inside function bodies (app factories). */
export function forEachCall(body: Stmt[], visit: (call: Extract<Expr, { t: 'call' }>) => void): void {
  for (const stmt of body) {
    if (stmt.t === 'expr' && stmt.value.t === 'call') visit(stmt.value);
    else if (stmt.t === 'def') forEachCall(stmt.fn.body, visit);
    else if (stmt.t === 'class') forEachCall(stmt.cls.body, visit);
    else for (const child of childBodies(stmt)) forEachCall(child, visit);
  }
}
