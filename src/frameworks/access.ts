// Small readers of abstract values that every library model uses: outside names, tags, class checks; and whether
// the project's text names a package at all.
import { refs, type ObjectRef, type Value } from '../dataflow/facts.js';
import { classBases } from '../dataflow/classes.js';
import type { Engine } from '../dataflow/engine.js';
import type { ClassInfo, ProjectIndex } from '../semantic/project.js';

const NO_PATHS: readonly string[] = Object.freeze([]);

/**
 * Whether some module of the project spells one of `names` in its text. An outside path starts with a module an
 * import statement names, so a library no module spells is in no value: its model has nothing to look for.
 */
export function projectSpells(project: ProjectIndex, ...names: string[]): boolean {
  for (const module of project.modules.values()) if (names.some((name) => module.source.includes(name))) return true;
  return false;
}

/** The outside access paths a value may be (`flask.request.get_json`). Every model asks it of each call's callee. */
export function externalPaths(value: Value): readonly string[] {
  let paths: string[] | undefined;
  for (const f of value) if (f.k === 'object' && f.ref.type === 'external') (paths ??= []).push(f.ref.path);
  return paths ?? NO_PATHS;
}

export function isExternal(value: Value, ...paths: string[]): boolean {
  for (const f of value) if (f.k === 'object' && f.ref.type === 'external' && paths.includes(f.ref.path)) return true;
  return false;
}

const NO_TAGS: readonly Extract<ObjectRef, { type: 'tagged' }>[] = Object.freeze([]);

/** The objects of a value a model tagged `tag`. Every model asks it of calls and attributes: most have none. */
export function tagged(value: Value, tag: string): readonly Extract<ObjectRef, { type: 'tagged' }>[] {
  let out: Extract<ObjectRef, { type: 'tagged' }>[] | undefined;
  for (const f of value) if (f.k === 'object' && f.ref.type === 'tagged' && f.ref.tag === tag) (out ??= []).push(f.ref);
  return out ?? NO_TAGS;
}

export function classesOf(value: Value): string[] {
  const out: string[] = [];
  for (const f of value) if (f.k === 'object' && f.ref.type === 'class') out.push(f.ref.cls);
  return out;
}

/** Whether a project class derives (through project classes) from an outside base matching `test`. */
export function derivesFrom(engine: Engine, cls: ClassInfo, test: (path: string) => boolean, seen = new Set<string>()): boolean {
  if (seen.has(cls.qname)) return false;
  seen.add(cls.qname);
  for (const base of classBases(cls, engine)) {
    for (const r of refs(base)) {
      if (r.type === 'external' && test(r.path)) return true;
      if (r.type === 'tagged' && test(`tag:${r.tag}`)) return true;
      const info = r.type === 'class' ? engine.project.classes.get(r.cls) : undefined;
      if (info && derivesFrom(engine, info, test, seen)) return true;
    }
  }
  return false;
}

/** The last part of an outside path, without call parentheses: `flask_sqlalchemy.SQLAlchemy().Model` → `Model`. */
export function lastName(path: string): string {
  const clean = path.replace(/\(\)|\[\]/g, '');
  return clean.slice(clean.lastIndexOf('.') + 1);
}
