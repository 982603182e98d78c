// The engine: per-function summaries computed once (on demand, cycles cut), module globals, and the
// values decorators inject into the functions they wrap. Frames (interpreter.ts) do the interpreting.
import type { Expr, ModuleIR, Stmt } from '../python/ir.js';
import { childBodies, type FunctionInfo, type ProjectIndex } from '../semantic/project.js';
import { EMPTY, refs, union, type Value } from './facts.js';
import { Frame, type Env } from './interpreter.js';
import type { LibraryModel } from './library.js';
import { emptySummary, type Summary } from './summary.js';

/** How many nested calls a summary computation may enter (route → helper → ... → writer). */
const MAX_CALL_DEPTH = 8;

export class Engine {
  private readonly summaries = new Map<string, Summary>();
  private readonly inProgress = new Set<string>();
  private readonly moduleEnvs = new Map<string, Env>();
  private readonly complete = new Set<string>();
  private readonly pendingGlobals = new Set<string>();
  private readonly functionEnvs = new Map<string, Env>();

  readonly models: LibraryModel[];

  constructor(readonly project: ProjectIndex, modelFactories: ((engine: Engine) => LibraryModel)[]) {
    this.models = modelFactories.map((make) => make(this));
  }

  hasSummary(fn: FunctionInfo): boolean {
    return this.summaries.has(fn.qname);
  }

  /** The summary of a function, computing it (and its callees') on first use. */
  summaryOf(fn: FunctionInfo): Summary {
    const done = this.summaries.get(fn.qname);
    if (done) return done;
    // recursion, or a call chain deeper than request data plausibly travels: nothing is passed through
    if (this.inProgress.has(fn.qname) || this.inProgress.size >= MAX_CALL_DEPTH) return emptySummary();
    this.inProgress.add(fn.qname);
    try {
      const frame = new Frame(this, fn.module, fn);
      frame.bindParameters();
      frame.run(fn.def.body);
      const summary: Summary = { returns: frame.returned, sinks: frame.sinks, hits: frame.hits, callees: frame.callees };
      if (this.hasNestedFunctions(fn)) this.functionEnvs.set(fn.qname, frame.env);
      this.summaries.set(fn.qname, summary);
      return summary;
    } finally {
      this.inProgress.delete(fn.qname);
    }
  }

  private hasNestedFunctions(fn: FunctionInfo): boolean {
    return fn.def.body.some((s) => s.t === 'def' || s.t === 'class');
  }

  /** Every name a module binds at its top level, running its whole body on first use. */
  globalsOf(module: ModuleIR): Env {
    const env = this.envOf(module);
    if (!this.complete.has(module.name)) {
      this.complete.add(module.name);
      new Frame(this, module, undefined, env).run(module.body);
    }
    return env;
  }

  /**
   * One name a module binds. Entry modules run whole; in the modules they import only the statements
   * that bind the name run, so a chain of imports does not pull in every module it touches.
   */
  globalOf(module: ModuleIR, name: string): Value | undefined {
    if (module.entry || this.complete.has(module.name)) return this.globalsOf(module).get(name);
    const env = this.envOf(module);
    const known = env.get(name);
    const key = `${module.name}:${name}`;
    if (known || this.pendingGlobals.has(key)) return known;
    this.pendingGlobals.add(key);
    const frame = new Frame(this, module, undefined, env);
    const binders = bindingStatements(module.body, name);
    frame.run(binders.length > 0 ? binders : module.body.filter((s) => s.t === 'import' && s.bindings.some((b) => b.local === '*')));
    this.pendingGlobals.delete(key);
    return env.get(name);
  }

  /** The environment of a module's top level as far as it was evaluated. */
  private envOf(module: ModuleIR): Env {
    let env = this.moduleEnvs.get(module.name);
    if (!env) {
      env = new Map();
      this.moduleEnvs.set(module.name, env);
    }
    return env;
  }

  /**
   * Values a decorator injects into the function it wraps: `def deco(view): def wrapper(*a, **k):
   * return view(request.get_json(), *a, **k)` hands the request body to the view's first parameter.
   */
  injectedArguments(fn: FunctionInfo): Map<string, Value> {
    const out = new Map<string, Value>();
    for (const m of this.models) {
      for (const [name, value] of m.injectedParameters?.(fn) ?? []) out.set(name, union(out.get(name) ?? EMPTY, value));
    }
    for (const decorator of fn.def.decorators) {
      for (const ref of refs(this.evaluateInModule(fn.module.name, decorator))) {
        const deco = ref.type === 'function' ? this.project.functions.get(ref.fn) : undefined;
        const viewParam = deco?.def.params[0]?.name;
        if (!deco || !viewParam) continue;
        for (const wrapper of this.project.functions.values()) {
          if (wrapper.parent !== deco) continue;
          const frame = new Frame(this, wrapper.module, wrapper);
          frame.run(wrapper.def.body);
          forEachCallOf(viewParam, wrapper.def.body, (call) => {
            const positional = call.args.filter((a) => !a.name && !a.star);
            positional.forEach((a, i) => {
              const param = fn.def.params[i];
              if (param) out.set(param.name, union(out.get(param.name) ?? EMPTY, frame.evaluate(a.value)));
            });
            for (const a of call.args) if (a.name) out.set(a.name, union(out.get(a.name) ?? EMPTY, frame.evaluate(a.value)));
          });
        }
      }
    }
    return out;
  }

  /** The environment a function ended with (for closures). */
  envOfFunction(qname: string): Env | undefined {
    return this.functionEnvs.get(qname);
  }

  evaluateInModule(moduleName: string, expr: Expr): Value {
    const module = this.project.module(moduleName);
    if (!module) return EMPTY;
    return new Frame(this, module, undefined, module.entry ? this.globalsOf(module) : this.envOf(module)).evaluate(expr);
  }
}

/** Calls of the name `callee` as a statement, an assigned value or a returned value, in nested blocks too. */
function forEachCallOf(callee: string, body: Stmt[], visit: (call: Extract<Expr, { t: 'call' }>) => void): void {
  for (const stmt of body) {
    const value = stmt.t === 'return' || stmt.t === 'expr' || stmt.t === 'assign' ? stmt.value : undefined;
    if (value?.t === 'call' && value.fn.t === 'name' && value.fn.id === callee) visit(value);
    for (const child of childBodies(stmt)) forEachCallOf(callee, child, visit);
  }
}

/** The top-level statements (compound ones whole) that bind `name`. */
function bindingStatements(body: Stmt[], name: string): Stmt[] {
  return body.filter((stmt) => binds(stmt, name));
}

function binds(stmt: Stmt, name: string): boolean {
  switch (stmt.t) {
    case 'assign':
      return stmt.targets.some((t) => targetBinds(t, name));
    case 'annotated':
    case 'augassign':
      return targetBinds(stmt.target, name);
    case 'def':
      return stmt.fn.name === name;
    case 'class':
      return stmt.cls.name === name;
    case 'import':
      return stmt.bindings.some((b) => b.local === name);
    case 'for':
      return targetBinds(stmt.target, name) || childBodies(stmt).some((b) => b.some((s) => binds(s, name)));
    case 'with':
      return stmt.items.some((i) => i.target && targetBinds(i.target, name)) || stmt.body.some((s) => binds(s, name));
    default:
      return childBodies(stmt).some((b) => b.some((s) => binds(s, name)));
  }
}

function targetBinds(target: Expr, name: string): boolean {
  if (target.t === 'name') return target.id === name;
  if (target.t === 'seq') return target.items.some((i) => targetBinds(i, name));
  if (target.t === 'star') return targetBinds(target.value, name);
  return false;
}

