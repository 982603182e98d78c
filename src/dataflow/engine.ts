// The engine: per-function summaries computed once (on demand, cycles cut), module globals, and the
// values decorators inject into the functions they wrap. Frames (interpreter.ts) do the interpreting.
import type { Expr, ModuleIR } from '../python/ir.js';
import type { FunctionInfo, ProjectIndex } from '../semantic/project.js';
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
    const frame = new Frame(this, fn.module, fn);
    frame.bindParameters();
    frame.run(fn.def.body);
    const summary: Summary = { returns: frame.returned, sinks: frame.sinks, hits: frame.hits, callees: frame.callees };
    if (this.hasNestedFunctions(fn)) this.functionEnvs.set(fn.qname, frame.env);
    this.inProgress.delete(fn.qname);
    this.summaries.set(fn.qname, summary);
    return summary;
  }

  private hasNestedFunctions(fn: FunctionInfo): boolean {
    return fn.def.body.some((s) => s.t === 'def' || s.t === 'class');
  }

  /** The names a module binds at its top level, evaluating its body on first use. */
  globalsOf(module: ModuleIR): Env {
    const known = this.moduleEnvs.get(module.name);
    if (known) return known;
    const frame = new Frame(this, module, undefined);
    this.moduleEnvs.set(module.name, frame.env);
    frame.run(module.body);
    return frame.env;
  }

  /**
   * Values a decorator injects into the function it wraps: `def deco(view): def wrapper(*a, **k):
   * return view(request.get_json(), *a, **k)` hands the request body to the view's first parameter.
   */
  injectedArguments(fn: FunctionInfo): Map<string, Value> {
    const out = new Map<string, Value>();
    for (const decorator of fn.def.decorators) {
      for (const ref of refs(this.evaluateInModule(fn.module.name, decorator))) {
        const deco = ref.type === 'function' ? this.project.functions.get(ref.fn) : undefined;
        const viewParam = deco?.def.params[0]?.name;
        if (!deco || !viewParam) continue;
        for (const wrapper of this.project.functions.values()) {
          if (wrapper.parent !== deco) continue;
          const frame = new Frame(this, wrapper.module, wrapper);
          frame.run(wrapper.def.body);
          frame.forEachCallOf(viewParam, wrapper.def.body, (call) => {
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
    const module = this.project.modules.get(moduleName);
    if (!module) return EMPTY;
    return new Frame(this, module, undefined, this.globalsOf(module)).evaluate(expr);
  }
}

