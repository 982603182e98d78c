// The engine: per-function summaries computed once (on demand, cycles cut), module globals, and the
// values decorators inject into the functions they wrap. Frames (interpreter.ts) do the interpreting.
import type { Expr, ModuleIR, Stmt } from '../python/ir.js';
import { matchesAtLineStarts } from '../python/line-starts.js';
import { childBodies, type ClassInfo, type FunctionInfo, type ProjectIndex } from '../semantic/project.js';
import { EMPTY, factId, refs, union, valueId, type Value } from './facts.js';
import { Frame, type Env } from './interpreter.js';
import { hooksOf, type Hooks, type LibraryModel } from './library.js';
import { distinctSinks, emptySummary, withOverwrites, type SinkRecord, type Summary } from './summary.js';

/** How many nested calls a summary computation may enter (route → helper → ... → writer). */
const MAX_CALL_DEPTH = 8;

/** Class-hierarchy analysis looks no further than this many modules defining a method name. */
const MAX_METHOD_MODULES = 6;

/** Rounds of recomputing incomplete summaries before the engine keeps what it has. */
const MAX_SETTLE_ROUNDS = 10;

/** A summary being computed, and whether it used a placeholder (an incomplete summary, recursion, depth). */
interface Computation {
  qname: string;
  incomplete: boolean;
  /** The version of each placeholder or incomplete summary it used. */
  used: Map<string, number>;
}

export class Engine {
  private readonly summaries = new Map<string, Summary>();
  /** The functions whose current summary calls each function: marked incomplete when its summary changes. */
  private readonly callers = new Map<string, Set<string>>();
  /** Summaries computed against a placeholder: recomputed by settle() until nothing changes. */
  private readonly incomplete = new Set<string>();
  /** Of those, what each used: it needs recomputing only once one of them has changed since. */
  private readonly placeholders = new Map<string, Map<string, number>>();
  /** Incomplete summaries that need recomputing whatever they used: a callee or a cell they read changed. */
  private readonly forced = new Set<string>();
  /** How often each summary has changed (0: never computed). */
  private readonly versions = new Map<string, number>();
  private readonly computing: Computation[] = [];
  private readonly inProgress = new Set<string>();
  private readonly moduleEnvs = new Map<string, Env>();
  private readonly complete = new Set<string>();
  private readonly pendingGlobals = new Set<string>();
  private readonly functionEnvs = new Map<string, Env>();
  /** Attribute cells of objects that outlive a call (module objects, outside singletons, a class's instances). */
  private readonly heap = new Map<string, Value>();
  private readonly heapReaders = new Map<string, Set<string>>();
  private heapChanged = false;
  /** Values decorators inject, per decorated function (recomputed each settle round). */
  private readonly injected = new Map<string, Map<string, Value>>();

  /** The library models' hooks (library.ts), each asked in the models' order. */
  readonly hooks: Hooks;

  constructor(readonly project: ProjectIndex, modelFactories: ((engine: Engine) => LibraryModel)[]) {
    this.hooks = hooksOf(modelFactories.map((make) => make(this)));
  }

  hasSummary(fn: FunctionInfo): boolean {
    return this.summaries.has(fn.qname);
  }

  /**
   * The summary of a function, computing it (and its callees') on first use. Recursion, a call chain
   * deeper than MAX_CALL_DEPTH, or an incomplete callee give the caller the last known summary and
   * mark the caller incomplete; settle() recomputes those until they stop changing.
   */
  summaryOf(fn: FunctionInfo): Summary {
    const stored = this.summaries.get(fn.qname);
    if (stored && this.incomplete.has(fn.qname) && !this.isStale(fn.qname)) this.settled(fn.qname);
    if (stored && !this.incomplete.has(fn.qname)) return stored;
    if (stored && this.round && !this.round.has(fn.qname) && !this.inProgress.has(fn.qname) && this.inProgress.size < MAX_CALL_DEPTH) return this.refresh(fn);
    if (stored || this.inProgress.has(fn.qname) || this.inProgress.size >= MAX_CALL_DEPTH) {
      if (!stored && !this.inProgress.has(fn.qname)) this.deferred.add(fn.qname);
      this.markIncomplete(fn.qname);
      return stored ?? emptySummary();
    }
    return this.compute(fn);
  }

  /** Whether recomputing an incomplete summary could change it: something it used or read has changed since. */
  private isStale(qname: string): boolean {
    const used = this.placeholders.get(qname);
    if (!used || this.forced.has(qname)) return true;
    // a summary still being computed has not given its answer yet
    for (const [callee, version] of used) if (this.inProgress.has(callee) || (this.versions.get(callee) ?? 0) !== version) return true;
    return false;
  }

  /** An incomplete summary none of whose inputs changed: it is what recomputing it would give. */
  private settled(qname: string): void {
    this.incomplete.delete(qname);
    this.placeholders.delete(qname);
  }

  /** Functions first met beyond the call-depth limit: settle() computes them from the top. */
  private readonly deferred = new Set<string>();

  /** The running computation used `qname`'s summary while it was a placeholder or incomplete. */
  private markIncomplete(qname: string): void {
    const top = this.computing[this.computing.length - 1];
    if (!top) return;
    top.incomplete = true;
    top.used.set(qname, this.versions.get(qname) ?? 0);
  }

  private compute(fn: FunctionInfo): Summary {
    const computation: Computation = { qname: fn.qname, incomplete: false, used: new Map() };
    this.inProgress.add(fn.qname);
    this.computing.push(computation);
    try {
      const frame = new Frame(this, fn.module, fn);
      frame.bindParameters();
      frame.run(fn.def.body);
      const hits = withOverwrites(frame.hits, fn.module.path, frame.overwrites);
      const summary: Summary = { returns: frame.returned, sinks: distinctSinks(frame.sinks), hits, callees: frame.callees };
      if (this.hasNestedFunctions(fn)) this.functionEnvs.set(fn.qname, frame.env);
      this.setSummary(fn.qname, summary);
      if (computation.incomplete) {
        this.incomplete.add(fn.qname);
        this.placeholders.set(fn.qname, computation.used);
      } else {
        this.settled(fn.qname);
      }
      return summary;
    } finally {
      this.computing.pop();
      this.inProgress.delete(fn.qname);
      if (computation.incomplete) this.markIncomplete(fn.qname);
    }
  }

  /**
   * Recomputes incomplete summaries, in a fixed order, until a round changes no summary and no heap
   * cell: the answer is then the same whatever order functions were first met in.
   */
  settle(): void {
    for (let round = 0; round < MAX_SETTLE_ROUNDS && (this.incomplete.size > 0 || this.deferred.size > 0); round++) {
      this.heapChanged = false;
      this.changedInRound = false;
      this.injected.clear();
      while (this.deferred.size > 0) {
        const qname = [...this.deferred].sort()[0]!;
        this.deferred.delete(qname);
        const fn = this.project.functions.get(qname);
        if (fn && !this.summaries.has(qname)) {
          this.compute(fn);
          this.changedInRound = true;
        }
      }
      this.round = new Set();
      for (const qname of [...this.incomplete].sort()) {
        const fn = this.project.functions.get(qname);
        if (!fn) this.incomplete.delete(qname);
        else if (!this.round.has(qname) && this.incomplete.has(qname)) {
          if (this.isStale(qname)) this.refresh(fn);
          else this.settled(qname);
        }
      }
      this.round = undefined;
      if (!this.changedInRound && !this.heapChanged && this.deferred.size === 0) break;
    }
    this.incomplete.clear();
    this.placeholders.clear();
    this.forced.clear();
    this.deferred.clear();
  }

  /** Summaries recomputed in the current settle round (each once; callees on demand, before their callers). */
  private round: Set<string> | undefined;
  private changedInRound = false;

  private refresh(fn: FunctionInfo): Summary {
    this.round!.add(fn.qname);
    const version = this.versions.get(fn.qname);
    this.incomplete.delete(fn.qname);
    this.forced.delete(fn.qname);
    const after = this.compute(fn);
    if (this.versions.get(fn.qname) === version) return after;
    this.changedInRound = true;
    for (const caller of this.callers.get(fn.qname) ?? []) {
      if (caller === fn.qname) continue;
      this.incomplete.add(caller);
      this.forced.add(caller);
    }
    return after;
  }

  private setSummary(qname: string, summary: Summary): void {
    const before = this.summaries.get(qname);
    if (!before || summaryId(before) !== summaryId(summary)) this.versions.set(qname, (this.versions.get(qname) ?? 0) + 1);
    for (const callee of this.summaries.get(qname)?.callees ?? []) this.callers.get(callee)?.delete(qname);
    for (const callee of summary.callees) {
      let callers = this.callers.get(callee);
      if (!callers) this.callers.set(callee, (callers = new Set()));
      callers.add(qname);
    }
    this.summaries.set(qname, summary);
  }

  /** Reads an attribute cell; the function reading it is recomputed if the cell changes later. */
  readCell(key: string): Value | undefined {
    const top = this.computing[this.computing.length - 1];
    if (top) {
      let readers = this.heapReaders.get(key);
      if (!readers) this.heapReaders.set(key, (readers = new Set()));
      readers.add(top.qname);
    }
    return this.heap.get(key);
  }

  /** Adds a value to an attribute cell (cells only grow, so the fixpoint terminates). */
  writeCell(key: string, value: Value): void {
    const before = this.heap.get(key) ?? EMPTY;
    const after = union(before, value);
    if (valueId(after) === valueId(before)) return;
    this.heap.set(key, after);
    this.heapChanged = true;
    for (const reader of this.heapReaders.get(key) ?? []) {
      const running = this.computing.find((c) => c.qname === reader);
      if (running) running.incomplete = true;
      else if (this.summaries.has(reader)) this.incomplete.add(reader);
      if (running || this.summaries.has(reader)) this.forced.add(reader);
    }
  }

  private readonly specialising = new Set<string>();
  private readonly specialised = new Map<string, Value>();

  /**
   * What a function returns for these object arguments, when its summary returns no object: a generic
   * getter (`def get_or_404(model, id): return model.query.get(id)`) returns an instance of its argument.
   */
  returnsFor(fn: FunctionInfo, objects: Value[]): Value {
    const key = `${fn.qname}(${objects.map(valueId).join(';')})`;
    const known = this.specialised.get(key);
    if (known) return known;
    if (this.specialising.has(fn.qname) || this.inProgress.size >= MAX_CALL_DEPTH) return EMPTY;
    this.specialising.add(fn.qname);
    this.inProgress.add(`${fn.qname}()`);
    try {
      const frame = new Frame(this, fn.module, fn);
      frame.bindParameters(objects);
      frame.run(fn.def.body);
      const out = frame.returned.filter((f) => f.k === 'object' && f.ref.type !== 'param');
      this.specialised.set(key, out);
      return out;
    } finally {
      this.specialising.delete(fn.qname);
      this.inProgress.delete(`${fn.qname}()`);
    }
  }

  private readonly methodOwners = new Map<string, ClassInfo[]>();

  /**
   * Class-hierarchy analysis: the project classes that define a method of this name, found by the
   * text of every module (not only those loaded so far), so the answer does not depend on order.
   */
  classesDefining(method: string): ClassInfo[] {
    let owners = this.methodOwners.get(method);
    if (owners) return owners;
    this.methodModules ??= indexMethodNames(this.project);
    const modules = this.methodModules.get(method) ?? [];
    // a name defined in many modules tells nothing; do not parse them all to find out
    if (modules.length > MAX_METHOD_MODULES) owners = [];
    else {
      // a class's methods are written in its module's text, so the modules that spell the name hold every owner
      owners = modules.flatMap((module) => this.project.classesIn(module)).filter((c) => c.methods.get(method)?.kind === 'method').sort((a, b) => a.qname.localeCompare(b.qname));
    }
    this.methodOwners.set(method, owners);
    return owners;
  }

  private methodModules: Map<string, ModuleIR[]> | undefined;

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
    const known = this.injected.get(fn.qname);
    if (known) return known;
    const out = new Map<string, Value>();
    this.injected.set(fn.qname, out);
    // every model reads the same decorators: each is evaluated once, in the same state as it would be each time
    const evaluated = new Map<Expr, Value>();
    const evaluate = (expr: Expr): Value => {
      let value = evaluated.get(expr);
      if (!value) evaluated.set(expr, (value = this.evaluateInModule(fn.module.name, expr)));
      return value;
    };
    for (const injectedParameters of this.hooks.injectedParameters) {
      for (const [name, value] of injectedParameters(fn, evaluate) ?? []) out.set(name, union(out.get(name) ?? EMPTY, value));
    }
    for (const decorator of fn.def.decorators) {
      for (const ref of refs(evaluate(decorator))) {
        const deco = ref.type === 'function' ? this.project.functions.get(ref.fn) : undefined;
        const viewParam = deco?.def.params[0]?.name;
        if (!deco || !viewParam) continue;
        for (const wrapper of this.project.functionsIn(deco)) {
          // the view's arguments as they are when the wrapper calls it (inside the branch that does)
          const frame = new Frame(this, wrapper.module, wrapper);
          frame.onNamedCall = (callee, args, kwargs) => {
            if (callee !== viewParam) return;
            args.forEach((value, i) => {
              const param = fn.def.params[i];
              if (param) out.set(param.name, union(out.get(param.name) ?? EMPTY, value));
            });
            for (const [name, value] of kwargs) out.set(name, union(out.get(name) ?? EMPTY, value));
          };
          frame.run(wrapper.def.body);
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

/** An indented `def` (a method, mostly) at a line start, and its name. */
const INDENTED_DEF = /[ \t]+(?:async[ \t]+)?def[ \t]+(\w+)/y;

/** Modules by the names of the indented `def`s their text declares. */
function indexMethodNames(project: ProjectIndex): Map<string, ModuleIR[]> {
  const out = new Map<string, ModuleIR[]>();
  for (const module of [...project.modules.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    for (const name of new Set(Array.from(matchesAtLineStarts(module.source, 'def', INDENTED_DEF), (m) => m[1]!))) {
      out.set(name, [...(out.get(name) ?? []), module]);
    }
  }
  return out;
}

/** A summary's meaning without its traces, to tell when recomputing it changed anything. */
function summaryId(summary: Summary): string {
  const sink = (r: SinkRecord) => `${r.kind}:${r.path}:${r.node.s}:${JSON.stringify(r.target)}:${factId(r.fact)}:${r.field ?? ''}:${r.bound ?? ''}`;
  return [valueId(summary.returns), summary.sinks.map(sink).sort().join('|'), summary.hits.map(sink).sort().join('|'), [...summary.callees].sort().join(',')].join('#');
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

