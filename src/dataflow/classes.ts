// Class lookups through project bases: methods, class-body constants, evaluated base classes.
import type { Expr, Stmt } from '../python/ir.js';
import { childBodies, type ClassInfo, type FunctionInfo, type ProjectIndex } from '../semantic/project.js';
import { refs, type Value } from './facts.js';
import type { Engine } from './engine.js';

/** Methods by name through the class's project bases (depth-first, as Python's MRO for simple hierarchies). */
export function findMethod(project: ProjectIndex, cls: ClassInfo, name: string, engine: Engine, seen = new Set<string>()): FunctionInfo | undefined {
  if (seen.has(cls.qname)) return undefined;
  seen.add(cls.qname);
  const own = cls.methods.get(name);
  if (own) return own;
  for (const base of classBases(cls, engine)) {
    for (const ref of refs(base)) {
      if (ref.type !== 'class') continue;
      const baseInfo = project.classes.get(ref.cls);
      const found = baseInfo && findMethod(project, baseInfo, name, engine, seen);
      if (found) return found;
    }
  }
  return undefined;
}

/** A class-body assignment `NAME = value`, through project bases. */
export function classAttribute(cls: ClassInfo, name: string, engine: Engine, seen = new Set<string>()): Value | undefined {
  if (seen.has(cls.qname)) return undefined;
  seen.add(cls.qname);
  const assigned = classAssignment(cls, name);
  if (assigned) return engine.evaluateInModule(cls.module.name, assigned);
  for (const base of classBases(cls, engine)) {
    for (const ref of refs(base)) {
      const baseInfo = ref.type === 'class' ? engine.project.classes.get(ref.cls) : undefined;
      const found = baseInfo && classAttribute(baseInfo, name, engine, seen);
      if (found) return found;
    }
  }
  return undefined;
}

const assignmentsCache = new WeakMap<ClassInfo, Map<string, Expr>>();

/** The expression a class body's first `name = ...` assigns (indexed once per class: classes are asked often). */
export function classAssignment(cls: ClassInfo, name: string): Expr | undefined {
  let byName = assignmentsCache.get(cls);
  if (!byName) {
    byName = new Map();
    for (const stmt of cls.def.body) {
      if (stmt.t !== 'assign') continue;
      for (const t of stmt.targets) if (t.t === 'name' && !byName.has(t.id)) byName.set(t.id, stmt.value);
    }
    assignmentsCache.set(cls, byName);
  }
  return byName.get(name);
}

const basesCache = new WeakMap<ClassInfo, Value[]>();
const basesInProgress = new WeakMap<ClassInfo, number>();

/**
 * The evaluated base classes of a project class (positional class arguments). Reading a base can run its
 * module, which can construct this very class: that inner read is answered too (module evaluation guards
 * itself), but only a complete outermost answer is cached, so no class is fixed with bases read too early.
 */
export function classBases(cls: ClassInfo, engine: Engine): Value[] {
  const cached = basesCache.get(cls);
  if (cached) return cached;
  const depth = basesInProgress.get(cls) ?? 0;
  if (depth >= 2) return [];
  basesInProgress.set(cls, depth + 1);
  let bases: Value[];
  try {
    bases = cls.def.bases.filter((b) => !b.name && !b.star).map((b) => engine.evaluateInModule(cls.module.name, b.value));
  } finally {
    basesInProgress.set(cls, depth);
  }
  if (depth === 0 && bases.every((b) => b.length > 0)) basesCache.set(cls, bases);
  return bases;
}

const writersCache = new WeakMap<ClassInfo, Map<string, FunctionInfo[]>>();

/** Methods of a class and its project bases that assign `self.name` (the writers of an instance attribute). */
export function attributeWriters(cls: ClassInfo, name: string, engine: Engine): FunctionInfo[] {
  let byName = writersCache.get(cls);
  if (!byName) writersCache.set(cls, (byName = new Map()));
  let writers = byName.get(name);
  if (!writers) byName.set(name, (writers = collectWriters(cls, name, engine, new Set())));
  return writers;
}

function collectWriters(cls: ClassInfo, name: string, engine: Engine, seen: Set<string>): FunctionInfo[] {
  if (seen.has(cls.qname)) return [];
  seen.add(cls.qname);
  const out = [...ownWriters(cls, name)];
  for (const base of classBases(cls, engine)) {
    for (const ref of refs(base)) {
      const baseInfo = ref.type === 'class' ? engine.project.classes.get(ref.cls) : undefined;
      if (baseInfo) out.push(...collectWriters(baseInfo, name, engine, seen));
    }
  }
  return out;
}

const ownWritersCache = new WeakMap<ClassInfo, Map<string, FunctionInfo[]>>();
const textWritesCache = new WeakMap<ClassInfo, Map<FunctionInfo, Set<string>>>();

/**
 * The class's own methods that assign `self.name`. Only a method whose text writes such an attribute is walked,
 * so the bodies of the others need not be parsed.
 */
function ownWriters(cls: ClassInfo, name: string): FunctionInfo[] {
  let byName = ownWritersCache.get(cls);
  if (!byName) ownWritersCache.set(cls, (byName = new Map()));
  let out = byName.get(name);
  if (!out) {
    out = [];
    for (const [method, written] of textWrites(cls)) {
      if (written.has(name) && assignsSelf(method.def.body, method.def.params[0]?.name ?? 'self', name)) out.push(method);
    }
    byName.set(name, out);
  }
  return out;
}

/** `.name =` or `.name: T =`: the text any write of an attribute holds. */
const ATTRIBUTE_WRITE = /\.\s*(\w+)\s*\)?\s*(?::[^=\n]*)?=(?!=)/g;

/** Each method's attribute names its text may assign (a superset of what its code assigns), read once per class. */
function textWrites(cls: ClassInfo): Map<FunctionInfo, Set<string>> {
  let out = textWritesCache.get(cls);
  if (!out) {
    out = new Map();
    for (const method of cls.methods.values()) {
      if (method.kind !== 'method') continue;
      const text = cls.module.source.slice(method.def.s, method.def.e);
      out.set(method, new Set(Array.from(text.matchAll(ATTRIBUTE_WRITE), (m) => m[1]!)));
    }
    textWritesCache.set(cls, out);
  }
  return out;
}

function assignsSelf(body: Stmt[], self: string, name: string): boolean {
  for (const stmt of body) {
    if (stmt.t === 'assign' && stmt.targets.some((t) => t.t === 'attr' && t.name === name && t.obj.t === 'name' && t.obj.id === self)) return true;
    if (childBodies(stmt).some((child) => assignsSelf(child, self, name))) return true;
  }
  return false;
}
