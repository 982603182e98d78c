// The interpreter: a frame runs one function body (or module top level) over the IR, following
// caller-controlled key sets through Python's own semantics: assignments, dicts, loops,
// comprehensions, branches, and calls by summary. Everything it knows of libraries comes through
// LibraryModel hooks; it names no framework.
import type { Arg, Expr, ModuleIR, Span, Stmt } from '../python/ir.js';
import { codeText } from '../python/positions.js';
import { ANY, intersect, subtract } from './keyset.js';
import {
  EMPTY, constantStrings, extend, obj, ofKind, outside, refs, taints, union, withStep,
  type Fact, type ObjectRef, type Origin, type Step, type TaintFact, type Value, valueId,
} from './facts.js';
import type { AttributeSite, CallSite, SinkReport, SiteContext } from './library.js';
import { FrameAssignAttributeSite, FrameAttributeSite, FrameCallSite } from './sites.js';
import type { SinkRecord } from './summary.js';
import type { ClassInfo, FunctionInfo, ProjectIndex } from '../semantic/project.js';
import { bindArguments, substituteFact } from './arguments.js';
import { attributeWriters, classAttribute, classBases, findMethod } from './classes.js';
import type { Engine } from './engine.js';
import { Narrowing } from './narrowing.js';
import { dictEntry, elementBound, intersection, memberOf, restrictKeys, targetsOf } from './values.js';

export type Env = Map<string, Value>;

const DICT_COPIES = new Set(['copy']);
/** Method names of builtin containers, strings and ORM sessions and queries: never resolved by class-hierarchy analysis. */
const COMMON_METHODS = new Set([
  'get', 'set', 'update', 'items', 'keys', 'values', 'pop', 'popitem', 'copy', 'clear', 'setdefault', 'append', 'extend',
  'insert', 'remove', 'index', 'count', 'sort', 'reverse', 'add', 'discard', 'join', 'split', 'strip', 'format', 'encode',
  'decode', 'lower', 'upper', 'replace', 'startswith', 'endswith', 'read', 'write', 'close', 'open', 'json', 'commit',
  'rollback', 'flush', 'delete', 'save', 'query', 'filter', 'filter_by', 'first', 'all', 'one', 'execute', 'scalar',
  'scalars', 'load', 'loads', 'dump', 'dumps', 'validate', 'run', 'send', 'to_dict', 'dict', 'serialize', 'isoformat',
])
/** More classes than this define a method name: the name tells nothing about the class. */
const MAX_ASSUMED_CLASSES = 3;
/** A loop whose state has not settled after this many rounds keeps what it has (facts only widen). */
const MAX_LOOP_ROUNDS = 12;

interface LoopContext {
  continues: Env[];
  breaks: Env[];
}

export class Frame implements SiteContext {
  readonly env: Env;
  returned: Value = EMPTY;
  readonly sinks: SinkRecord[] = [];
  readonly hits: SinkRecord[] = [];
  readonly callees = new Set<string>();
  private readonly loops: LoopContext[] = [];
  private readonly narrowing = new Narrowing(this);
  readonly project: ProjectIndex;
  readonly path: string;
  /** Sees each call of a plain name with its evaluated positional (not `*`-spread) and keyword arguments. */
  onNamedCall?: (callee: string, args: Value[], kwargs: Map<string, Value>) => void;

  constructor(private readonly engine: Engine, readonly module: ModuleIR, readonly fn: FunctionInfo | undefined, env?: Env) {
    this.env = env ?? new Map();
    this.project = engine.project;
    this.path = module.path;
  }

  // ---- parameters -------------------------------------------------------------------------------

  /** Binds each parameter to its symbolic self; `objects` adds the objects a specialised call passes. */
  bindParameters(objects: Value[] = []): void {
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
      if (p.annotation) facts.push(...this.annotated(p.annotation).map((cls) => obj({ type: 'instance', cls })));
      this.env.set(p.name, union(objects[index] ?? EMPTY, facts, injected.get(p.name) ?? EMPTY));
    });
  }

  /** Project classes an annotation of another function (in its own module) names. */
  private annotatedIn(fn: FunctionInfo, annotation: Expr): string[] {
    return fn.module === this.module ? this.annotated(annotation) : new Frame(this.engine, fn.module, undefined).annotated(annotation);
  }

  /** Project classes an annotation names: `User`, `"User"`, `Optional[User]`, `User | None`, `list[User]`. */
  annotated(annotation: Expr): string[] {
    switch (annotation.t) {
      case 'name':
      case 'attr':
        return refs(this.engine.evaluateInModule(this.module.name, annotation)).flatMap((r) => (r.type === 'class' ? [r.cls] : []));
      case 'str':
        return /^[A-Za-z_][\w.]*$/.test(annotation.v) ? this.annotated(dottedName(annotation.v, annotation)) : [];
      case 'sub':
        return this.annotated(annotation.index);
      case 'seq':
        return annotation.items.flatMap((i) => this.annotated(i));
      case 'other':
        return annotation.parts.flatMap((i) => this.annotated(i));
      default:
        return [];
    }
  }

  // ---- statements -------------------------------------------------------------------------------

  /** Runs statements; returns false when every path through them leaves (return, raise, break, continue). */
  run(body: Stmt[]): boolean {
    this.depth++;
    try {
      for (const stmt of body) {
        if (!this.exec(stmt)) return false;
      }
      return true;
    } finally {
      this.depth--;
    }
  }

  /** Nesting of the block being run: 1 is the function's own body, run on every path that gets that far. */
  private depth = 0;
  /** Fields the function sets from server values on every path, after earlier writes: `user.api_key = new_key()`. */
  readonly overwrites: { cls: string; field: string; offset: number }[] = [];

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
      case 'for': {
        const iterable = this.evaluate(stmt.iter);
        const runsOnce = stmt.iter.t === 'seq' && stmt.iter.items.length > 0 && constantStrings(iterable) !== null;
        const falls = this.execLoop(stmt.body, stmt.orelse, () => this.assign(stmt.target, this.iterate(iterable), { s: stmt.s, e: stmt.iter.e }), runsOnce);
        this.rejectingLoop(stmt, iterable);
        return falls;
      }
      case 'while':
        return this.execLoop(stmt.body, stmt.orelse, () => this.narrowing.narrow(stmt.test, true));
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
    const testValue = this.evaluate(stmt.test);
    const before = this.snapshot();
    this.narrowing.narrow(stmt.test, true);
    const afterThen = this.run(stmt.body) ? this.snapshot() : undefined;
    this.restore(before);
    this.narrowing.narrow(stmt.test, false);
    const elseFalls = this.run(stmt.orelse);
    const thenFalls = afterThen !== undefined;
    if (!thenFalls && !elseFalls) return false;
    // the state after the else branch is this frame's: it stands as it is when only that branch falls through
    if (thenFalls) this.restore(elseFalls ? joinEnvs([afterThen, this.env]) : afterThen);
    if (!thenFalls && stmt.orelse.length === 0) this.rejectedOutside(stmt.test, testValue, stmt);
    this.chosenByBranch(testValue, stmt);
    return true;
  }

  /**
   * `admin = False; if data["admin"]: admin = True`: a server value picked by a branch on a caller's
   * value is the caller's choice. Names a branch set to constants take the test's caller values.
   */
  private chosenByBranch(test: Value, stmt: Extract<Stmt, { t: 'if' }>): void {
    const chooser = ofKind(test, 'value').filter((f) => f.check === 'none');
    if (chooser.length === 0) return;
    const step = this.step(stmt.test, `branch on ${this.text(stmt.test)}`);
    const constants = [...stmt.body, ...stmt.orelse].flatMap((s) =>
      s.t === 'assign' && s.targets.length === 1 && s.targets[0]!.t === 'name' && (s.value.t === 'const' || s.value.t === 'str' || s.value.t === 'num') ? [s.targets[0]!.id] : []);
    for (const name of new Set(constants)) {
      const value = this.env.get(name);
      if (!value || taints(value).length > 0) continue;
      this.env.set(name, union(value, chooser.map((f) => ({ ...withStep(f, step), field: null }))));
    }
  }

  /**
   * `if <keys outside S>: reject` lets only keys in S go on: a validator's (or comprehension's) keys
   * bounded by "every key but S", or `set(data) - S`, bound the mapping they came from to S.
   */
  private rejectedOutside(test: Expr, value: Value, node: Span): void {
    for (const f of value) {
      if ((f.k === 'keys' || f.k === 'key') && f.keys.kind === 'anyBut') this.boundOrigin(f.origin, f.keys.keys, node);
    }
    if (test.t === 'other' && test.parts.length === 2) {
      const allowed = elementBound(this.evaluate(test.parts[1]!));
      if (!allowed) return;
      for (const f of this.evaluate(test.parts[0]!)) if (f.k === 'map' || f.k === 'keys') this.boundOrigin(f.origin, allowed, node);
    }
  }

  /** `for k in data: if k not in S: reject`: after the loop, only keys in S of `data` go on. */
  private rejectingLoop(stmt: Extract<Stmt, { t: 'for' }>, iterable: Value): void {
    if (stmt.target.t !== 'name') return;
    const key = stmt.target.id;
    for (const guard of stmt.body) {
      if (guard.t !== 'if' || guard.orelse.length > 0 || !this.alwaysLeaves(guard.body)) continue;
      const scratch: Env = new Map([[key, [{ k: 'key', origin: { source: '' }, keys: ANY, trace: [] } as Fact]]]);
      new Narrowing({ env: scratch, evaluate: (e) => this.evaluate(e), step: (n) => this.step(n) }).narrow(guard.test, false);
      const passed = ofKind(scratch.get(key) ?? EMPTY, 'key')[0]?.keys;
      if (!passed || passed.kind !== 'only') continue;
      for (const f of iterable) if (f.k === 'map' || f.k === 'keys') this.boundOrigin(f.origin, passed.keys, guard);
    }
  }

  /** Whether a block always leaves: it ends in return or raise, or a call that never returns. */
  private alwaysLeaves(body: Stmt[]): boolean {
    const last = body[body.length - 1];
    return !!last && (last.t === 'return' || last.t === 'raise' || (last.t === 'expr' && last.value.t === 'call' && this.isNoReturn(last.value)));
  }

  /** Every mapping of this origin in scope now holds at most the keys in `allowed`. */
  private boundOrigin(origin: Origin, allowed: ReadonlySet<string>, node: Span): void {
    const same = (o: Origin) => ('source' in o && 'source' in origin ? o.source === origin.source : 'param' in o && 'param' in origin && o.param === origin.param);
    const step = this.step(node, 'keys outside the allowlist are rejected');
    for (const [name, value] of this.env) {
      if (!value.some((f) => f.k !== 'object' && f.k !== 'value' && same(f.origin))) continue;
      this.env.set(name, value.map((f) => (f.k !== 'object' && f.k !== 'value' && same(f.origin) ? withStep({ ...f, keys: intersect(f.keys, allowed) }, step) : f)));
    }
  }

  /** Runs a loop body until the state at its head stops changing (key sets settle), then the else branch. */
  private execLoop(body: Stmt[], orelse: Stmt[], enter: () => void, runsOnce = false): boolean {
    const entry = this.snapshot();
    const exits: Env[] = [];
    let state = entry;
    for (let round = 0; round < MAX_LOOP_ROUNDS; round++) {
      this.restore(state);
      enter();
      const loop: LoopContext = { continues: [], breaks: [] };
      this.loops.push(loop);
      const falls = this.run(body);
      this.loops.pop();
      exits.push(...loop.breaks);
      const ends = [...(falls ? [this.snapshot()] : []), ...loop.continues];
      const next = joinEnvs(runsOnce && ends.length > 0 ? ends : [entry, ...ends]);
      const settled = round > 0 && sameEnv(state, next);
      state = next;
      if (settled || runsOnce) break;
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
    return this.engine.hooks.noReturn.some((noReturn) => noReturn(callee));
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
        const site = new FrameAssignAttributeSite(this, stmt, target);
        for (const assignAttribute of this.engine.hooks.assignAttribute) assignAttribute(base, target.name, stepped, site);
        for (const ref of refs(base)) {
          const cell = cellOf(ref, target.name);
          if (cell) this.engine.writeCell(cell, storable(ref, stepped));
          if (ref.type === 'instance' && this.depth === 1 && taints(value).length === 0) this.overwrites.push({ cls: ref.cls, field: target.name, offset: stmt.s });
        }
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

  /**
   * `d[k] = v` on a local mapping: the mapping gains the caller-chosen key or the constant key with a caller
   * value; a constant key given a server value is no longer the caller's (as with `del d[k]`).
   */
  private mutateAddEntry(target: Expr, key: Value, value: Value, stmt: Span): void {
    if (target.t !== 'name') return;
    if (taints(value).length === 0) this.mutateRemoveKey(target, key, stmt);
    const added = dictEntry(key, value, this.step(stmt));
    if (added.length > 0) this.env.set(target.id, union(this.lookup(target.id), added));
    const name = constantStrings(key);
    const objects = value.filter((f) => f.k === 'object' && f.ref.type !== 'param' && f.ref.type !== 'strings');
    if (this.onNamedCall && name?.size === 1 && objects.length > 0) {
      const entries = this.keyedObjects.get(target.id) ?? new Map<string, Value>();
      entries.set([...name][0]!, objects);
      this.keyedObjects.set(target.id, entries);
    }
  }

  /** Objects stored under constant keys of a local dict (`kwargs["user"] = user`), for onNamedCall. */
  private readonly keyedObjects = new Map<string, Map<string, Value>>();

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
    return this.engine.globalOf(this.module, name) ?? [obj({ type: 'external', path: `builtins.${name}` })];
  }

  private resolveImport(module: string, member: string | undefined): Value {
    const target = this.project.resolveModule(this.module, module);
    if (!target) {
      const absolute = module.replace(/^\.+/, '');
      return [obj({ type: 'external', path: member ? `${absolute}.${member}` : absolute })];
    }
    if (!member) return [obj({ type: 'module', module: target.name })];
    const sub = this.project.module(`${target.name}.${member}`);
    if (sub) return [obj({ type: 'module', module: sub.name })];
    if (target === this.module) return this.env.get(member) ?? EMPTY;
    return this.engine.globalOf(target, member) ?? EMPTY;
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
        return this.withOutside(this.lookup(expr.id));
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
    const elements: Value[] = [];
    for (const entry of expr.entries) {
      if ('spread' in entry) parts.push(this.evaluate(entry.spread).filter((f) => f.k === 'map'));
      else {
        const value = this.evaluate(entry.value);
        parts.push(dictEntry(this.evaluate(entry.key), value, this.step(entry.key)));
        elements.push(value.filter((f) => f.k === 'object' && (f.ref.type === 'class' || f.ref.type === 'function')));
      }
    }
    const held = union(...elements);
    return union(...parts, held.length > 0 ? [obj({ type: 'elements', of: held })] : EMPTY);
  }

  private comprehension(expr: Extract<Expr, { t: 'comp' }>): Value {
    const saved = this.snapshot();
    for (const clause of expr.fors) {
      this.assign(clause.target, this.iterate(this.evaluate(clause.iter)), clause.iter);
      for (const test of clause.ifs) {
        this.evaluate(test);
        this.narrowing.narrow(test, true);
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
          for (const iterate of this.engine.hooks.iterate) {
            const v = iterate(f.ref);
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
      else if (f.k === 'object' && f.ref.type === 'external') out.push(outside(f.ref.path, '[]'));
      else if (f.k === 'object' && f.ref.type === 'instance') out.push(f);
      else if (f.k === 'object' && f.ref.type === 'elements') out.push(...f.ref.of);
    }
    return union(out);
  }

  attribute(base: Value, name: string, expr: Extract<Expr, { t: 'attr' }>): Value {
    const site = new FrameAttributeSite(this, expr);
    for (const attribute of this.engine.hooks.attribute) {
      const v = attribute(base, name, site);
      if (v) return v;
    }
    const out: Value[] = [];
    for (const f of base) {
      if (f.k === 'object') {
        out.push(this.objectAttribute(f.ref, name, site));
        const cell = cellOf(f.ref, name);
        if (f.ref.type === 'instance') this.summariseWriters(f.ref.cls, name);
        const stored = cell ? this.engine.readCell(cell) : undefined;
        if (stored) out.push(stored);
      }
      else if (f.k === 'map') out.push([{ k: 'value', origin: f.origin, field: name, trace: extend(f.trace, this.step(expr)), check: 'none' }]);
    }
    return union(...out);
  }

  /**
   * Class-hierarchy analysis for `obj.method(...)` on an object of unknown class: the method of each
   * project class that defines it, bound to an instance marked as assumed. Names every dict, list
   * and ORM object has are left alone, and so is a name too many classes define to tell.
   */
  private assumedMethods(method: string, receiver: Value): Value {
    if (method.startsWith('_') || COMMON_METHODS.has(method)) return EMPTY;
    const owners = this.engine.classesDefining(method);
    if (owners.length === 0 || owners.length > MAX_ASSUMED_CLASSES) return EMPTY;
    // a parameter stays the receiver too, so the caller's own object is written when it knows it
    const params = receiver.filter((f) => f.k === 'object' && f.ref.type === 'param');
    return owners.map((cls) => obj({ type: 'function', fn: cls.methods.get(method)!.qname, boundSelf: [...params, obj({ type: 'instance', cls: cls.qname, assumed: true })] }));
  }

  /** A value with what library models say its outside names stand for. */
  private withOutside(value: Value): Value {
    let extra: Value[] | undefined;
    for (const f of value) {
      if (f.k !== 'object' || f.ref.type !== 'external') continue;
      for (const outside of this.engine.hooks.outside) {
        const v = outside(f.ref.path);
        if (v) (extra ??= []).push(v);
      }
    }
    return extra ? union(value, ...extra) : value;
  }

  /** `self.name` read in one method: the methods that assign it run first, so their value is in its cell. */
  private summariseWriters(clsName: string, name: string): void {
    const cls = this.project.classes.get(clsName);
    if (!cls) return;
    for (const writer of attributeWriters(cls, name, this.engine)) if (writer !== this.fn) this.engine.summaryOf(writer);
  }

  private objectAttribute(ref: ObjectRef, name: string, site: AttributeSite): Value {
    switch (ref.type) {
      case 'external':
        return this.withOutside([outside(ref.path, `.${name}`)]);
      case 'module': {
        const module = this.project.module(ref.module);
        const sub = this.project.module(`${ref.module}.${name}`);
        if (sub) return [obj({ type: 'module', module: sub.name })];
        return module ? this.engine.globalOf(module, name) ?? EMPTY : EMPTY;
      }
      case 'class':
      case 'instance': {
        const cls = this.project.classes.get(ref.cls);
        if (!cls) return EMPTY;
        const self: Value = [obj(ref)];
        const method = findMethod(this.project, cls, name, this.engine);
        if (method) return [obj({ type: 'function', fn: method.qname, boundSelf: method.kind === 'staticmethod' ? undefined : self })];
        const declared = classAttribute(cls, name, this.engine);
        if (declared) return declared;
        for (const classAttribute of this.engine.hooks.classAttribute) {
          const v = classAttribute(cls, name, site);
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
      if (!callee.some((f) => f.k === 'object' && f.ref.type === 'function') && isUnknownObject(receiver)) callee = union(callee, this.assumedMethods(method, receiver));
    } else {
      callee = this.evaluate(expr.fn);
    }
    const args: Value[] = [];
    const kwargs = new Map<string, Value>();
    const spread: Value[] = [];
    for (const arg of expr.args) this.collectArg(arg, args, kwargs, spread);
    if (this.onNamedCall && expr.fn.t === 'name') {
      const positional = expr.args.flatMap((a, i) => (!a.name && !a.star ? [i] : []));
      const plain = positional.length === expr.args.filter((a) => !a.name && a.star !== 2).length ? args : args.slice(0, positional.length);
      const named = new Map(kwargs);
      for (const a of expr.args) {
        if (a.star === 2 && a.value.t === 'name') for (const [k, v] of this.keyedObjects.get(a.value.id) ?? []) named.set(k, v);
      }
      this.onNamedCall(expr.fn.id, plain, named);
    }
    const site = new FrameCallSite(this, expr, callee, receiver, method, expr.fn.t === 'attr' ? expr.fn.obj : undefined, args, kwargs, spread);
    let result: Value | undefined;
    for (const call of this.engine.hooks.call) {
      const v = call(site);
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
    if (site.receiver && (site.method === 'get' || site.method === 'values')) {
      for (const f of site.receiver) if (f.k === 'object' && f.ref.type === 'elements') out.push(f.ref.of);
    }
    for (const f of site.callee) {
      if (f.k !== 'object') continue;
      const ref = f.ref;
      if (ref.type === 'function') out.push(this.callFunction(ref.fn, ref.boundSelf, site));
      else if (ref.type === 'class') out.push(this.construct(ref.cls, site));
      else if (ref.type === 'external' && ref.path.startsWith('builtins.')) out.push(this.builtin(ref.path.slice(9), site));
      else if (ref.type === 'external') out.push([outside(ref.path, '()')]);
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
        else if (ref.type === 'external') out.push(outside(ref.path, '()'));
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
    const insideCallee = (s: Step) => s.path === fn.module.path && s.offset >= fn.def.s && s.offset < fn.def.e;
    // where the callee's sinks are reached from: one call, however many sinks its summary carries
    let call: SinkRecord['call'];
    for (const sink of summary.sinks) {
      const facts = substituteFact(sink.fact, actuals, callStep);
      const annotated = sink.target.type === 'param' && sink.target.cls ? [obj({ type: 'instance', cls: sink.target.cls })] : EMPTY;
      const target = sink.target.type === 'param' ? union(actuals[sink.target.index] ?? EMPTY, annotated) : null;
      // keys handed over as **kwargs to a function that writes them: the call itself is the sink
      const viaKwargs = 'param' in sink.fact.origin && sink.fact.origin.param === kwargsIndex && sink.kind !== 'field-value';
      const at = viaKwargs
        ? { ...sink, kind: 'constructor', path: this.path, node: site.expr, at: undefined, sinkText: this.text(site.expr), targetText: this.text(site.expr.fn), functionName: this.fn?.qname ?? this.module.name, call: undefined }
        : { ...sink, call: (call ??= { path: this.path, node: site.expr, text: this.text(site.expr), functionName: this.fn?.qname ?? this.module.name }) };
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
    if (fn.def.returns) out.push(...this.annotatedIn(fn, fn.def.returns).map((cls) => obj({ type: 'instance', cls })));
    if (!out.some((f) => f.k === 'object')) {
      const objects = actuals.map((a) => a.filter((f) => f.k === 'object' && (f.ref.type === 'class' || f.ref.type === 'function')));
      if (objects.some((o) => o.length > 0)) out.push(...this.engine.returnsFor(fn, objects));
    }
    return union(out);
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
        ...(sink.at ? { at: sink.at } : {}),
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
    const resolved = target ? targetsOf(target) : [record.target];
    for (const each of resolved.length > 0 ? resolved : [{ type: 'unknown' as const }]) {
      const complete = { ...record, target: each };
      if ('param' in record.fact.origin || each.type === 'param') this.sinks.push(complete);
      else this.hits.push(complete);
    }
  }

  // ---- what sites lend library hooks ----------------------------------------------------------

  evaluateInModule(module: string, expr: Expr): Value {
    return this.engine.evaluateInModule(module, expr);
  }

  /** Gives a variable a new value from here on (a validator that bounds the mapping it checked). */
  rebind(expr: Expr, value: Value): void {
    if (expr.t === 'name') this.env.set(expr.id, value);
  }

  step(node: Span, note?: string): Step {
    return note === undefined ? { path: this.path, offset: node.s, end: node.e } : { path: this.path, offset: node.s, end: node.e, note };
  }

  text(node: Span): string {
    return codeText(this.module.source, node);
  }
}

/** A value that says nothing of what object it is: a parameter, or only unresolved outside names; no request data. */
function isUnknownObject(value: Value): boolean {
  return value.every((f) => (f.k === 'object'
    ? f.ref.type === 'param' || (f.ref.type === 'external' && (f.ref.path.startsWith('builtins.') || f.ref.path.endsWith('()')))
    : 'param' in f.origin));
}

/** `a.b.c` as a name-and-attribute expression at the span of the string that spelled it. */
function dottedName(text: string, at: Span): Expr {
  const [first, ...rest] = text.split('.');
  let expr: Expr = { t: 'name', id: first!, s: at.s, e: at.e };
  for (const name of rest) expr = { t: 'attr', obj: expr, name, s: at.s, e: at.e };
  return expr;
}

/**
 * The heap cell of `ref.name` for objects that outlive a call: an outside object, a module, a class, or
 * any instance of a project class (self.x set in __init__ and read in another method).
 */
function cellOf(ref: ObjectRef, name: string): string | undefined {
  switch (ref.type) {
    case 'external':
      return `ext:${ref.path}.${name}`;
    case 'module':
      return `mod:${ref.module}.${name}`;
    case 'class':
      return `class:${ref.cls}.${name}`;
    case 'instance':
      return `inst:${ref.cls}.${name}`;
    default:
      return undefined;
  }
}

/**
 * What a cell keeps of a value: the objects it refers to, and request data when the cell is shared
 * (not a field of an instance, whose caller values are that record's own data). Facts relative to
 * the function that wrote them (its parameters) mean nothing elsewhere.
 */
function storable(ref: ObjectRef, value: Value): Value {
  return value.filter((f) => (f.k === 'object' ? f.ref.type !== 'param' : ref.type !== 'instance' && 'source' in f.origin));
}

function sameEnv(a: Env, b: Env): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const other = b.get(k);
    if (other !== v && (!other || valueId(other) !== valueId(v))) return false;
  }
  return true;
}

function joinEnvs(envs: Env[]): Env {
  if (envs.length === 1) return new Map(envs[0]);
  const out: Env = new Map();
  for (const env of envs) {
    for (const [k, v] of env) out.set(k, out.has(k) ? union(out.get(k)!, v) : v);
  }
  return out;
}
