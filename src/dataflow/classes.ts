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

/** The evaluated base classes of a project class (positional class arguments). */
export function classBases(cls: ClassInfo, engine: Engine): Value[] {
  const cached = basesCache.get(cls);
  if (cached) return cached;
  basesCache.set(cls, []);
  const bases = cls.def.bases.filter((b) => !b.name && !b.star).map((b) => engine.evaluateInModule(cls.module.name, b.value));
  basesCache.set(cls, bases);
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
  const out = [...cls.methods.values()].filter((m) => m.kind === 'method' && assignsSelf(m.def.body, m.def.params[0]?.name ?? 'self', name));
  for (const base of classBases(cls, engine)) {
    for (const ref of refs(base)) {
      const baseInfo = ref.type === 'class' ? engine.project.classes.get(ref.cls) : undefined;
      if (baseInfo) out.push(...collectWriters(baseInfo, name, engine, seen));
    }
  }
  return out;
}

function assignsSelf(body: Stmt[], self: string, name: string): boolean {
  return body.some((stmt) =>
    (stmt.t === 'assign' && stmt.targets.some((t) => t.t === 'attr' && t.name === name && t.obj.t === 'name' && t.obj.id === self))
    || childBodies(stmt).some((child) => assignsSelf(child, self, name)));
}
