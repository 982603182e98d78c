// Class lookups through project bases: methods, class-body constants, evaluated base classes.
import type { Stmt } from '../python/ir.js';
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
  const out = [...(ownWriters(cls).get(name) ?? [])];
  for (const base of classBases(cls, engine)) {
    for (const ref of refs(base)) {
      const baseInfo = ref.type === 'class' ? engine.project.classes.get(ref.cls) : undefined;
      if (baseInfo) out.push(...collectWriters(baseInfo, name, engine, seen));
    }
  }
  return out;
}

const ownWritersCache = new WeakMap<ClassInfo, Map<string, FunctionInfo[]>>();

/** The class's own methods by each `self.name` they assign, from one walk of each method. */
function ownWriters(cls: ClassInfo): Map<string, FunctionInfo[]> {
  let out = ownWritersCache.get(cls);
  if (out) return out;
  out = new Map();
  for (const method of cls.methods.values()) {
    if (method.kind !== 'method') continue;
    const names = new Set<string>();
    selfAssigned(method.def.body, method.def.params[0]?.name ?? 'self', names);
    for (const name of names) out.set(name, [...(out.get(name) ?? []), method]);
  }
  ownWritersCache.set(cls, out);
  return out;
}

function selfAssigned(body: Stmt[], self: string, names: Set<string>): void {
  for (const stmt of body) {
    if (stmt.t === 'assign') for (const t of stmt.targets) if (t.t === 'attr' && t.obj.t === 'name' && t.obj.id === self) names.add(t.name);
    for (const child of childBodies(stmt)) selfAssigned(child, self, names);
  }
}
