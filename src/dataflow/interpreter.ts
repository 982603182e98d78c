// The dataflow engine: an abstract interpreter over the IR that follows caller-controlled key sets
// through Python's own semantics (assignments, dicts, loops, comprehensions, branches, calls by summary).
// Everything it knows of libraries comes through LibraryModel hooks.
import type { Arg, Expr, ModuleIR, Span, Stmt } from '../python/ir.js';
import { ANY, anyBut, intersect, only, subtract, type KeySet } from './keyset.js';
import {
  EMPTY, constantStrings, extend, obj, ofKind, refs, taints, union, withStep,
  type Fact, type ObjectRef, type Step, type TaintFact, type Value,
} from './facts.js';
import type { AttributeSite, CallSite, LibraryModel, SinkReport, SiteContext } from './library.js';
import { emptySummary, substitute, type SinkRecord, type Summary, type TargetRef } from './summary.js';
import type { ClassInfo, FunctionInfo, ProjectIndex } from '../semantic/project.js';

type Env = Map<string, Value>;

const DICT_COPIES = new Set(['copy']);
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

interface LoopContext {
  continues: Env[];
  breaks: Env[];
}

class Frame {
  readonly env: Env;
  returned: Value = EMPTY;
  readonly sinks: SinkRecord[] = [];
  readonly hits: SinkRecord[] = [];
  readonly callees = new Set<string>();
  private readonly loops: LoopContext[] = [];
  readonly project: ProjectIndex;
  readonly path: string;

  constructor(private readonly engine: Engine, readonly module: ModuleIR, readonly fn: FunctionInfo | undefined, env?: Env) {
    this.env = env ?? new Map();
    this.project = engine.project;
    this.path = module.path;
  }

  // ---- parameters -------------------------------------------------------------------------------

  bindParameters(): void {
    const fn = this.fn!;
    const injected = this.engine.injectedArguments(fn);
    fn.def.params.forEach((p, index) => {
      const facts: Fact[] = [
        { k: 'map', origin: { param: index, as: 'map' }, keys: ANY, trace: [] },
        { k: 'value', origin: { param: index, as: 'value' }, field: null, trace: [], check: 'none' },
        obj({ type: 'param', index }),
      ];
      if (index === 0 && fn.owner && fn.kind === 'method') facts.push(obj({ type: 'instance', cls: fn.owner.qname }));
      if (index === 0 && fn.owner && fn.kind === 'classmethod') facts.push(obj({ type: 'class', cls: fn.owner.qname }));
      this.env.set(p.name, union(facts, injected.get(p.name) ?? EMPTY));
    });
  }

  /** Calls of the name `callee` among statements (return values and expression statements). */
  forEachCallOf(callee: string, body: Stmt[], visit: (call: Extract<Expr, { t: 'call' }>) => void): void {
    for (const stmt of body) {
      const value = stmt.t === 'return' ? stmt.value : stmt.t === 'expr' ? stmt.value : stmt.t === 'assign' ? stmt.value : undefined;
      if (value?.t === 'call' && value.fn.t === 'name' && value.fn.id === callee) visit(value);
      if (stmt.t === 'if' || stmt.t === 'try' || stmt.t === 'with' || stmt.t === 'for' || stmt.t === 'while') {
        for (const child of [('body' in stmt ? stmt.body : []), ('orelse' in stmt ? stmt.orelse : [])]) this.forEachCallOf(callee, child, visit);
      }
    }
  }

  // ---- statements -------------------------------------------------------------------------------

  /** Runs statements; returns false when every path through them leaves (return, raise, break, continue). */
  run(body: Stmt[]): boolean {
    for (const stmt of body) {
      if (!this.exec(stmt)) return false;
    }
    return true;
  }

  private exec(stmt: Stmt): boolean {
    switch (stmt.t) {
      case 'assign': {
        const value = this.evaluate(stmt.value);
        for (const target of stmt.targets) this.assign(target, value, stmt);
        return true;
      }
      case 'annotated':
        return true;
      case 'augassign': {
        const value = union(this.evaluate(stmt.target), this.evaluate(stmt.value));
        this.assign(stmt.target, value, stmt);
        return true;
      }
      case 'expr':
        this.evaluate(stmt.value);
        return !(stmt.value.t === 'call' && this.isNoReturn(stmt.value));
      case 'if':
        return this.execIf(stmt);
      case 'for':
      {
        const iterable = this.evaluate(stmt.iter);
        const runsOnce = stmt.iter.t === 'seq' && stmt.iter.items.length > 0 && constantStrings(iterable) !== null;
        return this.execLoop(stmt.body, stmt.orelse, () => this.assign(stmt.target, this.iterate(iterable), { s: stmt.s, e: stmt.iter.e }), runsOnce);
      }
      case 'while':
        return this.execLoop(stmt.body, stmt.orelse, () => this.narrowInPlace(stmt.test, true));
      case 'try': {
        const before = this.snapshot();
        const bodyFalls = this.run(stmt.body);
        const afterBody = this.snapshot();
        const ends: Env[] = [];
        if (bodyFalls && this.run(stmt.orelse)) ends.push(this.snapshot());
        for (const handler of stmt.handlers) {
          this.restore(joinEnvs([before, afterBody]));
          if (this.run(handler)) ends.push(this.snapshot());
        }
        if (ends.length === 0) {
          this.restore(afterBody);
          this.run(stmt.final);
          return false;
        }
        this.restore(joinEnvs(ends));
        return this.run(stmt.final);
      }
      case 'with':
        for (const item of stmt.items) {
          const value = this.evaluate(item.value);
          if (item.target) this.assign(item.target, value, stmt);
        }
        return this.run(stmt.body);
      case 'match': {
        this.evaluate(stmt.subject);
        const before = this.snapshot();
        const ends: Env[] = [before];
        for (const body of stmt.cases) {
          this.restore(new Map(before));
          if (this.run(body)) ends.push(this.snapshot());
        }
        this.restore(joinEnvs(ends));
        return true;
      }
      case 'return':
        if (stmt.value) {
          const value = this.evaluate(stmt.value);
          const step = this.step(stmt);
          this.returned = union(this.returned, value.map((f) => (f.k === 'object' ? f : withStep(f, step))));
        }
        return false;
      case 'del':
        for (const target of stmt.targets) {
          if (target.t === 'sub') this.mutateRemoveKey(target.obj, this.evaluate(target.index), stmt);
        }
        return true;
      case 'raise':
        if (stmt.value) this.evaluate(stmt.value);
        return false;
      case 'break':
        this.loops[this.loops.length - 1]?.breaks.push(this.snapshot());
        return false;
      case 'continue':
        this.loops[this.loops.length - 1]?.continues.push(this.snapshot());
        return false;
      case 'import':
        for (const b of stmt.bindings) {
          if (b.local === '*') this.importStar(b.module);
          else this.env.set(b.local, this.resolveImport(b.module, b.member));
        }
        return true;
      case 'def': {
        const info = this.project.definitions.get(stmt) as FunctionInfo | undefined;
        if (info) {
          for (const d of stmt.fn.decorators) this.evaluate(d);
          this.env.set(stmt.fn.name, [obj({ type: 'function', fn: info.qname })]);
        }
        return true;
      }
      case 'class': {
        const info = this.project.definitions.get(stmt) as ClassInfo | undefined;
        if (info) this.env.set(stmt.cls.name, [obj({ type: 'class', cls: info.qname })]);
        return true;
      }
    }
  }

  private execIf(stmt: Extract<Stmt, { t: 'if' }>): boolean {
    this.evaluate(stmt.test);
    const before = this.snapshot();
    this.narrowInPlace(stmt.test, true);
    const thenFalls = this.run(stmt.body);
    const afterThen = this.snapshot();
    this.restore(new Map(before));
    this.narrowInPlace(stmt.test, false);
    const elseFalls = this.run(stmt.orelse);
    const afterElse = this.snapshot();
    const ends = [...(thenFalls ? [afterThen] : []), ...(elseFalls ? [afterElse] : [])];
    if (ends.length === 0) return false;
    this.restore(joinEnvs(ends));
    return true;
  }

  /** Runs a loop body twice (enough for key sets to settle), then the else branch. */
  private execLoop(body: Stmt[], orelse: Stmt[], enter: () => void, runsOnce = false): boolean {
    const entry = this.snapshot();
    const exits: Env[] = [];
    let state = entry;
    for (let round = 0; round < 2; round++) {
      this.restore(new Map(state));
      enter();
      const loop: LoopContext = { continues: [], breaks: [] };
      this.loops.push(loop);
      const falls = this.run(body);
      this.loops.pop();
      exits.push(...loop.breaks);
      const ends = [...(falls ? [this.snapshot()] : []), ...loop.continues];
      state = joinEnvs(runsOnce && ends.length > 0 ? ends : [entry, ...ends]);
    }
    this.restore(state);
    if (this.run(orelse)) exits.push(this.snapshot());
    this.restore(joinEnvs([state, ...exits]));
    return true;
  }

  private snapshot(): Env {
    return new Map(this.env);
  }

  private restore(env: Env): void {
    this.env.clear();
    for (const [k, v] of env) this.env.set(k, v);
  }

  private isNoReturn(call: Extract<Expr, { t: 'call' }>): boolean {
    const callee = this.evaluate(call.fn);
    return this.engine.models.some((m) => m.noReturn?.(callee) === true);
  }

  // ---- assignment -------------------------------------------------------------------------------

  private assign(target: Expr, value: Value, stmt: Span): void {
    const stepped = value.some((f) => f.k !== 'object') ? value.map((f) => (f.k === 'object' ? f : withStep(f, this.step(stmt)))) : value;
    switch (target.t) {
      case 'name':
        this.env.set(target.id, stepped);
        return;
      case 'seq':
        this.assignTuple(target.items, stepped, stmt);
        return;
      case 'star':
        this.assign(target.value, stepped, stmt);
        return;
      case 'attr': {
        const base = this.evaluate(target.obj);
        for (const m of this.engine.models) m.assignAttribute?.(base, target.name, stepped, { ...this.context(), node: stmt, targetExpr: target });
        return;
      }
      case 'sub':
        this.mutateAddEntry(target.obj, this.evaluate(target.index), stepped, stmt);
        return;
      default:
        return;
    }
  }

  /** `k, v = pair`: pairs from `.items()` split into key and value; anything else goes to every name. */
  private assignTuple(items: Expr[], value: Value, stmt: Span): void {
    const pairs = ofKind(value, 'items');
    if (items.length === 2 && pairs.length > 0) {
      this.assign(items[0]!, pairs.map((p) => ({ k: 'key', origin: p.origin, keys: p.keys, trace: p.trace, bound: p.bound })), stmt);
      this.assign(items[1]!, pairs.map((p) => ({ k: 'value', origin: p.origin, field: null, trace: p.trace, check: 'none' })), stmt);
      return;
    }
    for (const item of items) this.assign(item, value.filter((f) => f.k !== 'items'), stmt);
  }

  /** `d[k] = v` on a local mapping: the mapping gains the caller-chosen key or the constant key with a caller value. */
  private mutateAddEntry(target: Expr, key: Value, value: Value, stmt: Span): void {
    if (target.t !== 'name') return;
    const added = dictEntry(key, value, this.step(stmt));
    if (added.length > 0) this.env.set(target.id, union(this.lookup(target.id), added));
  }

  /** `del d['k']`, `d.pop('k')`: a denylist of one. */
  private mutateRemoveKey(target: Expr, key: Value, stmt: Span): void {
    if (target.t !== 'name') return;
    const keys = constantStrings(key);
    if (!keys) return;
    const step = this.step(stmt);
    this.env.set(target.id, this.lookup(target.id).map((f) => (f.k === 'map' ? withStep({ ...f, keys: subtract(f.keys, keys) }, step) : f)));
  }

  // ---- names and imports ------------------------------------------------------------------------

  private lookup(name: string): Value {
    const local = this.env.get(name);
    if (local) return local;
    for (let parent = this.fn?.parent; parent; parent = parent.parent) {
      const env = this.engine.envOfFunction(parent.qname);
      const v = env?.get(name);
      if (v) return v;
    }
    if (this.fn) {
      const g = this.engine.globalsOf(this.module).get(name);
      if (g) return g;
    }
    return [obj({ type: 'external', path: `builtins.${name}` })];
  }

  private resolveImport(module: string, member: string | undefined): Value {
    const target = this.project.resolveModule(this.module, module);
    if (!target) {
      const absolute = module.replace(/^\.+/, '');
      return [obj({ type: 'external', path: member ? `${absolute}.${member}` : absolute })];
    }
    if (!member) return [obj({ type: 'module', module: target.name })];
    const sub = this.project.modules.get(`${target.name}.${member}`);
    if (sub) return [obj({ type: 'module', module: sub.name })];
    if (target === this.module) return this.env.get(member) ?? EMPTY;
    return this.engine.globalsOf(target).get(member) ?? EMPTY;
  }

  private importStar(module: string): void {
    const target = this.project.resolveModule(this.module, module);
    if (!target || target === this.module) return;
    for (const [k, v] of this.engine.globalsOf(target)) if (!k.startsWith('_')) this.env.set(k, v);
  }

  // ---- expressions ------------------------------------------------------------------------------

  evaluate(expr: Expr): Value {
    switch (expr.t) {
      case 'name':
        return this.lookup(expr.id);
      case 'str':
        return [obj({ type: 'strings', values: new Set([expr.v]), collection: false })];
      case 'num':
      case 'const':
      case 'lambda':
        return EMPTY;
      case 'attr':
        return this.attribute(this.evaluate(expr.obj), expr.name, expr);
      case 'call':
        return this.call(expr);
      case 'sub':
        return this.subscript(this.evaluate(expr.obj), this.evaluate(expr.index), expr);
      case 'dict':
        return this.dictLiteral(expr);
      case 'seq':
        return this.sequence(expr.items);
      case 'star':
        return this.evaluate(expr.value);
      case 'comp':
        return this.comprehension(expr);
      case 'cmp':
        this.evaluate(expr.left);
        this.evaluate(expr.right);
        return EMPTY;
      case 'bool':
        return union(this.evaluate(expr.left), this.evaluate(expr.right));
      case 'not':
        this.evaluate(expr.value);
        return EMPTY;
      case 'ternary':
        this.evaluate(expr.test);
        return union(this.evaluate(expr.then), this.evaluate(expr.else));
      case 'walrus': {
        const value = this.evaluate(expr.value);
        this.env.set(expr.target, value);
        return value;
      }
      case 'intersect':
        return intersection(this.evaluate(expr.left), this.evaluate(expr.right));
      case 'other':
        return union(...expr.parts.map((p) => this.evaluate(p).filter((f) => f.k === 'value')));
    }
  }

  /** A list, tuple or set literal: constant strings become a collection; other elements pass through. */
  private sequence(items: Expr[]): Value {
    const values = items.map((i) => this.evaluate(i));
    const strings = values.map(constantStrings);
    if (items.length > 0 && strings.every((s) => s !== null)) {
      return [obj({ type: 'strings', values: new Set(strings.flatMap((s) => [...s!])), collection: true })];
    }
    return union(...values);
  }

  private dictLiteral(expr: Extract<Expr, { t: 'dict' }>): Value {
    const parts: Value[] = [];
    for (const entry of expr.entries) {
      if ('spread' in entry) parts.push(this.evaluate(entry.spread).filter((f) => f.k === 'map'));
      else parts.push(dictEntry(this.evaluate(entry.key), this.evaluate(entry.value), this.step(entry.key)));
    }
    return union(...parts);
  }

  private comprehension(expr: Extract<Expr, { t: 'comp' }>): Value {
    const saved = this.snapshot();
    for (const clause of expr.fors) {
      this.assign(clause.target, this.iterate(this.evaluate(clause.iter)), clause.iter);
      for (const test of clause.ifs) {
        this.evaluate(test);
        this.narrowInPlace(test, true);
      }
    }
    const elt = this.evaluate(expr.elt);
    let result: Value;
    if (expr.kind === 'dict') {
      result = dictEntry(elt, this.evaluate(expr.value!), this.step(expr));
    } else {
      result = elt.map((f) => (f.k === 'key' ? { ...f, k: 'keys' as const } : f));
    }
    this.restore(saved);
    return result;
  }

  /** What iterating a value yields: a mapping its keys, `.items()` pairs, a collection its elements. */
  private iterate(value: Value): Value {
    const out: Fact[] = [];
    for (const f of value) {
      if (f.k === 'map' || f.k === 'keys') out.push({ k: 'key', origin: f.origin, keys: f.keys, trace: f.trace, bound: f.bound });
      else if (f.k === 'items' || f.k === 'value') out.push(f);
      else if (f.k === 'object') {
        if (f.ref.type === 'strings') out.push(obj({ ...f.ref, collection: false }));
        else if (f.ref.type === 'instance') out.push(f);
        else {
          for (const m of this.engine.models) {
            const v = m.iterate?.(f.ref);
            if (v) {
              out.push(...v);
              break;
            }
          }
        }
      }
    }
    return union(out);
  }

  private subscript(base: Value, index: Value, expr: Extract<Expr, { t: 'sub' }>): Value {
    const keys = constantStrings(index);
    const field = keys && keys.size === 1 ? [...keys][0]! : null;
    const step = this.step(expr);
    const out: Fact[] = [];
    for (const f of base) {
      if (f.k === 'map') out.push(...memberOf(f, field, step));
      else if (f.k === 'value') out.push(f);
      else if (f.k === 'object' && f.ref.type === 'external') out.push(obj({ type: 'external', path: `${f.ref.path}[]` }));
      else if (f.k === 'object' && f.ref.type === 'instance') out.push(f);
    }
    return union(out);
  }

  attribute(base: Value, name: string, expr: Extract<Expr, { t: 'attr' }>): Value {
    const site: AttributeSite = { ...this.context(), expr };
    for (const m of this.engine.models) {
      const v = m.attribute?.(base, name, site);
      if (v) return v;
    }
    const out: Value[] = [];
    for (const f of base) {
      if (f.k === 'object') out.push(this.objectAttribute(f.ref, name, site));
      else if (f.k === 'map') out.push([{ k: 'value', origin: f.origin, field: name, trace: extend(f.trace, this.step(expr)), check: 'none' }]);
    }
    return union(...out);
  }

  private objectAttribute(ref: ObjectRef, name: string, site: AttributeSite): Value {
    switch (ref.type) {
      case 'external':
        return [obj({ type: 'external', path: `${ref.path}.${name}` })];
      case 'module': {
        const module = this.project.modules.get(ref.module);
        const sub = this.project.modules.get(`${ref.module}.${name}`);
        if (sub) return [obj({ type: 'module', module: sub.name })];
        return module ? this.engine.globalsOf(module).get(name) ?? EMPTY : EMPTY;
      }
      case 'class':
      case 'instance': {
        const cls = this.project.classes.get(ref.cls);
        if (!cls) return EMPTY;
        const self: Value = [obj(ref)];
        const method = findMethod(this.project, cls, name, this.engine, site);
        if (method) return [obj({ type: 'function', fn: method.qname, boundSelf: method.kind === 'staticmethod' ? undefined : self })];
        const declared = classAttribute(cls, name, this.engine);
        if (declared) return declared;
        for (const m of this.engine.models) {
          const v = m.classAttribute?.(cls, name, site);
          if (v) return v;
        }
        return EMPTY;
      }
      default:
        return EMPTY;
    }
  }

  // ---- calls ------------------------------------------------------------------------------------

  private call(expr: Extract<Expr, { t: 'call' }>): Value {
    let receiver: Value | undefined;
    let method: string | undefined;
    let callee: Value;
    if (expr.fn.t === 'attr') {
      receiver = this.evaluate(expr.fn.obj);
      method = expr.fn.name;
      callee = this.attribute(receiver, method, expr.fn);
    } else {
      callee = this.evaluate(expr.fn);
    }
    const args: Value[] = [];
    const kwargs = new Map<string, Value>();
    const spread: Value[] = [];
    for (const arg of expr.args) this.collectArg(arg, args, kwargs, spread);
    const site: CallSite = {
      ...this.context(),
      expr, callee, receiver, method, args, kwargs, spread,
      receiverExpr: expr.fn.t === 'attr' ? expr.fn.obj : undefined,
    };
    let result: Value | undefined;
    for (const m of this.engine.models) {
      const v = m.call?.(site);
      if (v && result === undefined) result = v;
    }
    const fallback = this.defaultCall(site);
    return result ?? fallback;
  }

  private collectArg(arg: Arg, args: Value[], kwargs: Map<string, Value>, spread: Value[]): void {
    const value = this.evaluate(arg.value);
    if (arg.star === 2) spread.push(value);
    else if (arg.name) kwargs.set(arg.name, value);
    else args.push(arg.star === 1 ? this.iterate(value) : value);
  }

  /** Python's own meaning of a call: dict methods, builtins, project functions and classes. */
  private defaultCall(site: CallSite): Value {
    const out: Value[] = [];
    if (site.receiver && site.method) out.push(this.taintMethod(site));
    for (const ref of refs(site.callee)) {
      if (ref.type === 'function') out.push(this.callFunction(ref.fn, ref.boundSelf, site));
      else if (ref.type === 'class') out.push(this.construct(ref.cls, site));
      else if (ref.type === 'external' && ref.path.startsWith('builtins.')) out.push(this.builtin(ref.path.slice(9), site));
      else if (ref.type === 'external') out.push([obj({ type: 'external', path: `${ref.path}()` })]);
    }
    return union(...out);
  }

  /** Methods of dicts and strings on tainted receivers. */
  private taintMethod(site: CallSite): Value {
    const method = site.method!;
    if (site.receiverExpr && (method === 'pop' || method === 'update' || method === 'setdefault')) this.mutateByMethod(site);
    if ((method === 'join' || method === 'format') && constantStrings(site.receiver!)) {
      return union(...site.args.map((a) => a.filter((f) => f.k === 'value')), ...[...site.kwargs.values()].map((a) => a.filter((f) => f.k === 'value')));
    }
    const receiver = taints(site.receiver!);
    if (receiver.length === 0) return EMPTY;
    const step = this.step(site.expr);
    const key = site.args[0] ? constantStrings(site.args[0]) : null;
    const field = key && key.size === 1 ? [...key][0]! : null;
    const out: Fact[] = [];
    for (const f of receiver) {
      if (f.k === 'map') {
        if (method === 'items') out.push({ ...f, k: 'items', trace: extend(f.trace, step) });
        else if (method === 'keys') out.push({ ...f, k: 'keys', trace: extend(f.trace, step) });
        else if (method === 'values') out.push({ k: 'value', origin: f.origin, field: null, trace: extend(f.trace, step), check: 'none' });
        else if (DICT_COPIES.has(method)) out.push(withStep(f, step));
        else if (method === 'get' || method === 'pop' || method === 'setdefault' || method === 'getlist') out.push(...memberOf(f, field, step));
      } else if (f.k === 'key' || f.k === 'value') {
        if (/^(lower|upper|strip|lstrip|rstrip|casefold|title|replace|format)$/.test(method)) out.push(f);
        else if (f.k === 'value' && method === 'split') out.push(f);
      }
    }
    return union(out);
  }

  private mutateByMethod(site: CallSite): void {
    const target = site.receiverExpr!;
    if (site.method === 'pop' && site.args[0]) this.mutateRemoveKey(target, site.args[0], site.expr);
    if (site.method === 'update' && target.t === 'name') {
      const added = union(...site.args.map((a) => a.filter((f) => f.k === 'map')), ...site.spread.map((a) => a.filter((f) => f.k === 'map')),
        ...[...site.kwargs].map(([k, v]) => dictEntry([obj({ type: 'strings', values: new Set([k]), collection: false })], v, this.step(site.expr))));
      if (added.length > 0) this.env.set(target.id, union(this.lookup(target.id), added));
    }
    if (site.method === 'setdefault' && site.args[0] && site.args[1]) this.mutateAddEntry(target, site.args[0], site.args[1], site.expr);
  }

  private builtin(name: string, site: CallSite): Value {
    const first = site.args[0] ?? EMPTY;
    const step = this.step(site.expr);
    switch (name) {
      case 'dict': {
        const maps = [...site.args, ...site.spread].flatMap((v) => ofKind(v, 'map'));
        const kw = [...site.kwargs].map(([k, v]) => dictEntry([obj({ type: 'strings', values: new Set([k]), collection: false })], v, step));
        const fromPairs = site.args.flatMap((v) => ofKind(v, 'items')).map((f) => ({ ...f, k: 'map' as const }));
        return union(maps.map((f) => withStep(f, step)), ...kw, fromPairs);
      }
      case 'list':
      case 'tuple':
      case 'set':
      case 'frozenset':
      case 'sorted':
      case 'reversed':
      case 'iter': {
        const strings = constantStrings(first);
        if (strings) return [obj({ type: 'strings', values: strings, collection: true })];
        return union(first.map((f) => (f.k === 'map' ? { ...f, k: 'keys' as const } : f)));
      }
      case 'str':
      case 'int':
      case 'float':
      case 'bool':
        return first.filter((f) => f.k === 'value' || f.k === 'key');
      case 'vars': {
        const arg = site.expr.args[0]?.value;
        return arg ? this.attribute(first, '__dict__', { t: 'attr', obj: arg, name: '__dict__', s: site.expr.s, e: site.expr.e }) : EMPTY;
      }
      case 'super':
        return this.superOf();
      default:
        return EMPTY;
    }
  }

  private superOf(): Value {
    const owner = this.fn?.owner;
    if (!owner) return EMPTY;
    const self = this.env.get(this.fn!.def.params[0]?.name ?? 'self') ?? EMPTY;
    const out: Fact[] = [];
    for (const base of classBases(owner, this.engine)) {
      for (const ref of refs(base)) {
        if (ref.type === 'class') out.push(obj({ type: 'instance', cls: ref.cls }));
        else if (ref.type === 'external') out.push(obj({ type: 'external', path: `${ref.path}()` }));
      }
    }
    return union(out, self.filter((f) => f.k === 'object' && f.ref.type === 'param'));
  }

  private construct(clsName: string, site: CallSite): Value {
    const cls = this.project.classes.get(clsName);
    const instance: Value = [obj({ type: 'instance', cls: clsName })];
    if (!cls) return instance;
    const init = findMethod(this.project, cls, '__init__', this.engine);
    if (init) this.callFunction(init.qname, instance, site);
    return instance;
  }

  /** Applies a project function's summary at this call site. */
  private callFunction(qname: string, boundSelf: Value | undefined, site: CallSite): Value {
    const fn = this.project.functions.get(qname);
    if (!fn) return EMPTY;
    this.callees.add(qname);
    const summary = this.engine.summaryOf(fn);
    const actuals = bindArguments(fn, boundSelf, site);
    const callStep = this.step(site.expr);
    const kwargsIndex = fn.def.params.findIndex((p) => p.kind === 'kwargs');
    for (const sink of summary.sinks) {
      const facts = substituteFact(sink.fact, actuals, callStep);
      const target = sink.target.type === 'param' ? actuals[sink.target.index] ?? EMPTY : null;
      // keys handed over as **kwargs to a function that writes them: the call itself is the sink
      const viaKwargs = 'param' in sink.fact.origin && sink.fact.origin.param === kwargsIndex && sink.kind !== 'field-value';
      const at = viaKwargs
        ? { ...sink, kind: 'constructor', path: this.path, node: site.expr, sinkText: this.text(site.expr), targetText: this.text(site.expr.fn), functionName: this.fn?.qname ?? this.module.name }
        : sink;
      const insideCallee = (s: Step) => s.path === fn.module.path && s.offset >= fn.def.s && s.offset < fn.def.e;
      for (const fact of facts) this.record({ ...at, fact: viaKwargs ? { ...fact, trace: fact.trace.filter((s) => !insideCallee(s)) } : fact }, target);
    }
    const out: Fact[] = [];
    for (const f of summary.returns) {
      if (f.k === 'object') {
        if (f.ref.type === 'param') out.push(...(actuals[f.ref.index] ?? EMPTY).filter((a) => a.k === 'object'));
        else out.push(f);
      } else {
        out.push(...substituteFact(f, actuals, callStep));
      }
    }
    return union(out);
  }

  // ---- narrowing --------------------------------------------------------------------------------

  /** Narrows the environment as if `test` evaluated to `truthy`: allowlists, denylists and value checks. */
  narrowInPlace(test: Expr, truthy: boolean): void {
    switch (test.t) {
      case 'not':
        this.narrowInPlace(test.value, !truthy);
        return;
      case 'bool':
        if ((test.op === 'and') === truthy) {
          this.narrowInPlace(test.left, truthy);
          this.narrowInPlace(test.right, truthy);
        }
        return;
      case 'cmp':
        this.narrowComparison(test, truthy);
        return;
      case 'call':
        this.narrowCall(test, truthy);
        return;
      default:
        return;
    }
  }

  private narrowComparison(test: Extract<Expr, { t: 'cmp' }>, truthy: boolean): void {
    const { op } = test;
    if (op === 'in' || op === 'not in') {
      const positive = (op === 'in') === truthy;
      this.narrowMembership(test.left, test.right, positive, test);
      return;
    }
    if (op === '==' || op === '!=' || op === 'is' || op === 'is not') {
      const positive = (op === '==' || op === 'is') === truthy;
      const [name, other] = test.left.t === 'name' ? [test.left, test.right] : [test.right, test.left];
      if (name.t !== 'name') return;
      const strings = constantStrings(this.evaluate(other));
      if (!strings) return;
      this.narrowKeys(name.id, positive ? only(strings) : anyBut(strings), test);
      if (positive) this.markChecked(name.id, 'allowlisted');
      return;
    }
    if ((op === '<=' || op === '<') && truthy) this.narrowSubset(test.left, test.right);
    if ((op === '>=' || op === '>') && truthy) this.narrowSubset(test.right, test.left);
  }

  /** `k in ALLOWED` keeps ALLOWED; `k not in DENY` drops DENY; `v in caller.scopes` marks v held. */
  private narrowMembership(item: Expr, collection: Expr, positive: boolean, node: Span): void {
    const name = nameOf(item);
    if (!name) return;
    const coll = this.evaluate(collection);
    const strings = elementBound(coll);
    if (strings) {
      this.narrowKeys(name, positive ? only(strings) : anyBut(strings), node);
      if (positive) this.markChecked(name, 'allowlisted');
      return;
    }
    if (positive && isServerState(coll)) this.markChecked(name, 'held');
  }

  private narrowSubset(smaller: Expr, larger: Expr): void {
    const name = nameOf(smaller);
    if (!name) return;
    const coll = this.evaluate(unwrapSetCall(larger));
    if (constantStrings(coll)) this.markChecked(name, 'allowlisted');
    else if (isServerState(coll)) this.markChecked(name, 'held');
  }

  private narrowCall(test: Extract<Expr, { t: 'call' }>, truthy: boolean): void {
    if (!truthy) return;
    // requested.issubset(allowed), set(requested) <= ... handled above; all(s in X for s in requested)
    if (test.fn.t === 'attr' && (test.fn.name === 'issubset' || test.fn.name === 'issuperset') && test.args[0]) {
      const [small, large] = test.fn.name === 'issubset' ? [test.fn.obj, test.args[0].value] : [test.args[0].value, test.fn.obj];
      this.narrowSubset(small, large);
      return;
    }
    if (test.fn.t === 'name' && test.fn.id === 'all' && test.args[0]?.value.t === 'comp') {
      const comp = test.args[0].value;
      const clause = comp.fors[0];
      if (comp.elt.t === 'cmp' && comp.elt.op === 'in' && clause && nameOf(clause.iter)) {
        const coll = this.evaluate(comp.elt.right);
        const name = nameOf(clause.iter)!;
        if (constantStrings(coll)) this.markChecked(name, 'allowlisted');
        else if (isServerState(coll)) this.markChecked(name, 'held');
      }
    }
  }

  private narrowKeys(name: string, filter: KeySet, node: Span): void {
    const value = this.env.get(name);
    if (!value) return;
    const step = this.step(node);
    this.env.set(name, value.map((f) => {
      if (f.k !== 'key' && f.k !== 'keys') return f;
      const keys = filter.kind === 'only' ? intersect(f.keys, filter.keys) : filter.kind === 'anyBut' ? subtract(f.keys, filter.keys) : f.keys;
      return withStep({ ...f, keys }, step);
    }));
  }

  private markChecked(name: string, check: 'allowlisted' | 'held'): void {
    const value = this.env.get(name);
    if (!value) return;
    this.env.set(name, value.map((f) => (f.k === 'value' && f.check !== 'held' ? { ...f, check } : f)));
  }

  // ---- sinks ------------------------------------------------------------------------------------

  report(sink: SinkReport): void {
    const step = this.step(sink.node);
    for (const fact of sink.facts) {
      const keys = fact.k === 'value' ? null : sink.restrict ? restrictKeys(fact.keys, sink.restrict) : fact.keys;
      const f: TaintFact = keys ? { ...fact, keys, trace: extend(fact.trace, step) } as TaintFact : withStep(fact, step);
      const record: SinkRecord = {
        kind: sink.kind,
        fact: f,
        target: { type: 'unknown' },
        path: this.path,
        node: sink.node,
        sinkText: this.text(sink.node),
        targetText: sink.targetNode ? this.text(sink.targetNode) : '',
        functionName: this.fn?.qname ?? this.module.name,
        bound: sink.bound ?? (f.k === 'value' ? undefined : f.bound),
        field: sink.field,
      };
      this.record(record, sink.target);
    }
  }

  /** Files a sink under this function: a hit when request data reaches it, a summary entry when a parameter does. */
  private record(record: SinkRecord, target: Value | null): void {
    const resolved = target ? targetOf(target) : record.target;
    const complete = { ...record, target: resolved };
    if ('param' in record.fact.origin || resolved.type === 'param') this.sinks.push(complete);
    else this.hits.push(complete);
  }

  // ---- site context -----------------------------------------------------------------------------

  private cachedContext?: SiteContext;

  private context(): SiteContext {
    this.cachedContext ??= {
      project: this.project,
      path: this.path,
      step: (node, note) => this.step(node, note),
      text: (node) => this.text(node),
      report: (sink) => this.report(sink),
      evaluate: (expr) => this.evaluate(expr),
      evaluateInModule: (module, expr) => this.engine.evaluateInModule(module, expr),
      rebind: (expr, value) => {
        if (expr.t === 'name') this.env.set(expr.id, value);
      },
    };
    return this.cachedContext;
  }

  step(node: Span, note?: string): Step {
    return note === undefined ? { path: this.path, offset: node.s, end: node.e } : { path: this.path, offset: node.s, end: node.e, note };
  }

  text(node: Span): string {
    return codeText(this.module.source, node);
  }
}

// ---- helpers shared by the frame ----------------------------------------------------------------

/** A node's source on one line, shortened: what traces and messages quote. */
export function codeText(source: string, node: Span): string {
  const raw = source.slice(node.s, Math.min(node.e, node.s + 400)).replace(/\s+/g, ' ').trim();
  return raw.length > 90 ? `${raw.slice(0, 87)}...` : raw;
}

/** `a & b`: each side's elements are bounded by the other's (an allowlist, or the caller's own grants). */
function intersection(left: Value, right: Value): Value {
  const out: Fact[] = [];
  for (const [side, other] of [[left, right], [right, left]] as const) {
    const bound = elementBound(other);
    const server = isServerState(other);
    for (const f of side) {
      if (f.k === 'value') out.push(bound ? { ...f, check: f.check === 'held' ? 'held' : 'allowlisted' } : server ? { ...f, check: 'held' } : f);
      else if ((f.k === 'keys' || f.k === 'key') && bound) out.push({ ...f, keys: intersect(f.keys, bound) });
      else if (f.k === 'object' && f.ref.type === 'strings') out.push(bound ? obj({ ...f.ref, values: new Set([...f.ref.values].filter((v) => bound.has(v))) }) : f);
      else if (f.k !== 'object') out.push(f);
    }
  }
  return union(out);
}

/**
 * The strings a collection's elements are bounded by: its constant strings and caller key names
 * already bounded by an allowlist. Null when any element may be anything the caller sends.
 */
function elementBound(value: Value): Set<string> | null {
  if (value.length === 0) return null;
  const out = new Set<string>();
  for (const f of value) {
    if (f.k === 'object' && f.ref.type === 'strings') for (const s of f.ref.values) out.add(s);
    else if ((f.k === 'keys' || f.k === 'key') && f.keys.kind === 'only') for (const s of f.keys.keys) out.add(s);
    else if (f.k === 'value' && f.check !== 'none') continue;
    else return null;
  }
  return out;
}

/** `data['x']`: the caller's value, which may itself be a nested mapping of caller-chosen keys. */
function memberOf(f: Extract<TaintFact, { k: 'map' }>, field: string | null, step: Step): TaintFact[] {
  const trace = extend(f.trace, step);
  const value: TaintFact = { k: 'value', origin: f.origin, field, trace, check: 'none' };
  return 'source' in f.origin ? [value, { k: 'map', origin: f.origin, keys: ANY, trace }] : [value];
}

/** One `key: value` of a dict being built: caller-chosen keys make the mapping's keys; a constant key with a caller value adds that key. */
function dictEntry(key: Value, value: Value, step: Step): Fact[] {
  const out: Fact[] = [];
  for (const f of ofKind(key, 'key')) out.push({ k: 'map', origin: f.origin, keys: f.keys, trace: extend(f.trace, step), bound: f.bound });
  const strings = constantStrings(key);
  if (strings) {
    for (const v of ofKind(value, 'value')) out.push({ k: 'map', origin: v.origin, keys: only(strings), trace: extend(v.trace, step) });
  }
  return out;
}

function substituteFact(fact: TaintFact, actuals: Value[], callStep: Step): TaintFact[] {
  if ('source' in fact.origin) return substitute(fact, EMPTY, callStep);
  return substitute(fact, actuals[fact.origin.param] ?? EMPTY, callStep);
}

function restrictKeys(keys: KeySet, filter: KeySet): KeySet {
  return filter.kind === 'only' ? intersect(keys, filter.keys) : filter.kind === 'anyBut' ? subtract(keys, filter.keys) : keys;
}

/** The object a sink writes, as the summary records it: a parameter first (the caller knows more), else a class. */
export function targetOf(value: Value): TargetRef {
  const rs = refs(value);
  const param = rs.find((r) => r.type === 'param');
  if (param && param.type === 'param') return { type: 'param', index: param.index };
  for (const r of rs) {
    if (r.type === 'instance' || r.type === 'class') return { type: 'class', cls: r.cls };
    if (r.type === 'tagged' && r.cls) return { type: 'class', cls: r.cls };
  }
  return { type: 'unknown' };
}

/** Maps a call's arguments onto a function's parameters, by position, keyword, `**kwargs` and `**spread`. */
function bindArguments(fn: FunctionInfo, boundSelf: Value | undefined, site: CallSite): Value[] {
  const params = fn.def.params;
  const actuals: Value[] = params.map(() => EMPTY);
  let position = 0;
  if (boundSelf && (fn.kind === 'method' || fn.kind === 'classmethod') && params[0]) {
    actuals[0] = boundSelf;
    position = 1;
  }
  for (const arg of site.args) {
    const p = params[position];
    if (!p || p.kind !== 'positional') break;
    actuals[position++] = arg;
  }
  const extra: Value[] = [];
  for (const [name, value] of site.kwargs) {
    const index = params.findIndex((p) => p.name === name && (p.kind === 'positional' || p.kind === 'keyword'));
    if (index >= 0) actuals[index] = value;
    else extra.push(dictEntry([obj({ type: 'strings', values: new Set([name]), collection: false })], value, site.step(site.expr)));
  }
  const spreadMaps = site.spread.flatMap((v) => ofKind(v, 'map'));
  params.forEach((p, index) => {
    if ((p.kind === 'positional' || p.kind === 'keyword') && actuals[index]!.length === 0 && spreadMaps.length > 0) {
      actuals[index] = spreadMaps.map((m) => ({ k: 'value', origin: m.origin, field: p.name, trace: m.trace, check: 'none' }) as Fact);
    }
  });
  const kwargsIndex = params.findIndex((p) => p.kind === 'kwargs');
  if (kwargsIndex >= 0) actuals[kwargsIndex] = union(...extra, spreadMaps);
  return actuals;
}

function nameOf(expr: Expr): string | undefined {
  if (expr.t === 'name') return expr.id;
  if (expr.t === 'call' && expr.fn.t === 'name' && /^(set|list|frozenset|sorted|tuple)$/.test(expr.fn.id) && expr.args[0]) return nameOf(expr.args[0].value);
  return undefined;
}

function unwrapSetCall(expr: Expr): Expr {
  return expr.t === 'call' && expr.fn.t === 'name' && /^(set|frozenset|list)$/.test(expr.fn.id) && expr.args[0] ? expr.args[0].value : expr;
}

/** A collection that does not come from the request (the caller's own grants on a server-side record). */
function isServerState(value: Value): boolean {
  return value.length > 0 && value.every((f) => (f.k === 'object' ? f.ref.type !== 'strings' : 'param' in f.origin));
}

/** Methods by name through the class's project bases (depth-first, as Python's MRO for simple hierarchies). */
function findMethod(project: ProjectIndex, cls: ClassInfo, name: string, engine: Engine, _site?: AttributeSite, seen = new Set<string>()): FunctionInfo | undefined {
  if (seen.has(cls.qname)) return undefined;
  seen.add(cls.qname);
  const own = cls.methods.get(name);
  if (own) return own;
  for (const base of classBases(cls, engine)) {
    for (const ref of refs(base)) {
      if (ref.type !== 'class') continue;
      const baseInfo = project.classes.get(ref.cls);
      const found = baseInfo && findMethod(project, baseInfo, name, engine, undefined, seen);
      if (found) return found;
    }
  }
  return undefined;
}

/** A class-body assignment `NAME = value`, through project bases. */
function classAttribute(cls: ClassInfo, name: string, engine: Engine, seen = new Set<string>()): Value | undefined {
  if (seen.has(cls.qname)) return undefined;
  seen.add(cls.qname);
  for (const stmt of cls.def.body) {
    if (stmt.t === 'assign' && stmt.targets.some((t) => t.t === 'name' && t.id === name)) return engine.evaluateInModule(cls.module.name, stmt.value);
  }
  for (const base of classBases(cls, engine)) {
    for (const ref of refs(base)) {
      const baseInfo = ref.type === 'class' ? engine.project.classes.get(ref.cls) : undefined;
      const found = baseInfo && classAttribute(baseInfo, name, engine, seen);
      if (found) return found;
    }
  }
  return undefined;
}

const basesCache = new WeakMap<ClassInfo, Value[]>();

/** The evaluated base classes of a project class (positional class arguments). */
export function classBases(cls: ClassInfo, engine: Engine): Value[] {
  const cached = basesCache.get(cls);
  if (cached) return cached;
  basesCache.set(cls, []);
  const bases = cls.def.bases.filter((b) => !b.name && !b.star).map((b) => engine.evaluateInModule(cls.module.name, b.value));
  basesCache.set(cls, bases);
  return bases;
}

function joinEnvs(envs: Env[]): Env {
  if (envs.length === 1) return new Map(envs[0]);
  const out: Env = new Map();
  for (const env of envs) {
    for (const [k, v] of env) out.set(k, out.has(k) ? union(out.get(k)!, v) : v);
  }
  return out;
}
