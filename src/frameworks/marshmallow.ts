// marshmallow (and marshmallow-sqlalchemy, flask-marshmallow): the fields a schema loads bound the
// caller's keys; loading into an instance (`instance=` or `load_instance = True`) writes them to the model.
import { ANY, only, type KeySet } from '../dataflow/keyset.js';
import { ofKind, obj, refs, type Value } from '../dataflow/facts.js';
import type { Engine } from '../dataflow/engine.js';
import type { CallSite, LibraryModel } from '../dataflow/library.js';
import type { Expr } from '../python/ir.js';
import type { ClassInfo } from '../semantic/project.js';
import { classAssignment } from '../dataflow/classes.js';
import { classesOf, derivesFrom, externalPaths, projectSpells, tagged } from './access.js';
import type { SqlAlchemyModels } from './sqlalchemy.js';

const SCHEMA_BASE = /(^marshmallow|marshmallow_sqlalchemy|flask_marshmallow|Marshmallow\(\)).*(Schema|ModelSchema)$/;
const AUTO_SCHEMA = /(SQLAlchemyAutoSchema|ModelSchema)$/;
const SCHEMA = 'marshmallow.schema';

export interface SchemaShape {
  cls: ClassInfo;
  model?: ClassInfo;
  loadInstance: boolean;
  unknownInclude: boolean;
  /** The fields `load` accepts. */
  loadable: Set<string>;
}

interface SchemaOptions {
  only?: Set<string>;
  exclude?: Set<string>;
  unknownInclude?: boolean;
}

export class MarshmallowSchemas {
  private readonly cache = new Map<string, SchemaShape | null>();

  constructor(private readonly engine: Engine, private readonly sqlalchemy: SqlAlchemyModels) {}

  shapeOf(cls: ClassInfo): SchemaShape | undefined {
    if (this.cache.has(cls.qname)) return this.cache.get(cls.qname) ?? undefined;
    this.cache.set(cls.qname, null);
    if (!derivesFrom(this.engine, cls, (p) => SCHEMA_BASE.test(p))) return undefined;
    const meta = cls.nested.get('Meta');
    const metaExpr = (name: string) => (meta ? classAssignment(meta, name) : undefined);
    const metaValue = (name: string) => {
      const expr = metaExpr(name);
      return expr && meta ? this.engine.evaluateInModule(meta.module.name, expr) : undefined;
    };
    const strings = (name: string) => setOf(metaValue(name));
    const modelValue = metaValue('model');
    const model = modelValue ? this.sqlalchemy.modelOf(modelValue) : undefined;
    const auto = derivesFrom(this.engine, cls, (p) => AUTO_SCHEMA.test(p));
    const includeFk = isTrue(metaExpr('include_fk'));
    const declared = new Map<string, boolean>();
    for (const stmt of cls.def.body) {
      if (stmt.t !== 'assign' || stmt.value.t !== 'call') continue;
      const target = stmt.targets[0];
      if (target?.t !== 'name') continue;
      const dumpOnly = stmt.value.args.some((a) => a.name === 'dump_only' && a.value.t === 'const' && a.value.v === 'True');
      declared.set(target.id, !dumpOnly);
    }
    const loadable = new Set<string>();
    if (auto && model) {
      for (const c of this.sqlalchemy.columns(model)) if (!c.relationship && (includeFk || !c.foreignKey)) loadable.add(c.name);
    }
    for (const [name, load] of declared) (load ? loadable.add(name) : loadable.delete(name));
    const fieldsOnly = strings('fields');
    for (const name of [...loadable]) {
      if (fieldsOnly && !fieldsOnly.has(name)) loadable.delete(name);
      if (strings('exclude')?.has(name) || strings('dump_only')?.has(name)) loadable.delete(name);
    }
    const shape: SchemaShape = {
      cls,
      model,
      loadInstance: isTrue(metaExpr('load_instance')),
      unknownInclude: isInclude(metaValue('unknown')),
      loadable,
    };
    this.cache.set(cls.qname, shape);
    return shape;
  }

}


export function marshmallowModel(engine: Engine, schemas: MarshmallowSchemas): LibraryModel {
  // schema bases name the package, or a `Marshmallow()` extension object
  if (!projectSpells(engine.project, 'marshmallow', 'Marshmallow')) return { name: 'marshmallow' };
  return {
    name: 'marshmallow',
    call(site) {
      for (const q of classesOf(site.callee)) {
        const cls = engine.project.classes.get(q);
        const shape = cls && schemas.shapeOf(cls);
        if (shape) return [obj({ type: 'tagged', tag: SCHEMA, cls: q, data: optionsOf(site) })];
      }
      if ((site.method !== 'load' && site.method !== 'validate') || !site.receiver) return undefined;
      for (const schema of tagged(site.receiver, SCHEMA)) {
        const cls = engine.project.classes.get(schema.cls!);
        const shape = cls && schemas.shapeOf(cls);
        if (!shape) continue;
        if (site.method === 'load') return load(site, shape, (schema.data ?? {}) as SchemaOptions);
        // errors = schema.validate(data): code past the error check holds only loadable keys
        const checked = site.expr.args[0]?.value;
        if (checked && !shape.unknownInclude) {
          site.rebind(checked, (site.args[0] ?? []).map((f) => (f.k === 'map' ? { ...f, keys: restrictTo(f.keys, only(shape.loadable)), bound: 'marshmallow' } : f)));
        }
        return [];
      }
      return undefined;
    },
  };
}

function load(site: CallSite, shape: SchemaShape, options: SchemaOptions): Value {
  const unknownInclude = options.unknownInclude || shape.unknownInclude || isInclude(site.kwargs.get('unknown'));
  let loadable = [...shape.loadable];
  if (options.only) loadable = loadable.filter((f) => options.only!.has(f));
  if (options.exclude) loadable = loadable.filter((f) => !options.exclude!.has(f));
  const keys: KeySet = unknownInclude ? ANY : only(loadable);
  const facts = ofKind(site.args[0] ?? [], 'map');
  const instance = site.kwargs.get('instance');
  if (instance || (shape.loadInstance && shape.model)) {
    const target: Value = instance ?? [obj({ type: 'class', cls: shape.model!.qname })];
    if (facts.length > 0) {
      site.report({ kind: 'schema-load', facts, target, node: site.expr, targetNode: site.expr.fn, restrict: keys, bound: 'marshmallow' });
    }
    return instance ?? [obj({ type: 'instance', cls: shape.model!.qname })];
  }
  const step = site.step(site.expr);
  return facts.map((f) => ({ ...f, keys: restrictTo(f.keys, keys), bound: 'marshmallow', trace: [...f.trace, step] }));
}

function restrictTo(keys: KeySet, filter: KeySet): KeySet {
  if (filter.kind !== 'only') return keys;
  if (keys.kind === 'any') return filter;
  if (keys.kind === 'only') return only([...keys.keys].filter((k) => filter.keys.has(k)));
  if (keys.kind === 'anyBut') return only([...filter.keys].filter((k) => !keys.keys.has(k)));
  return keys;
}

function optionsOf(site: CallSite): SchemaOptions {
  return {
    only: setOf(site.kwargs.get('only')),
    exclude: setOf(site.kwargs.get('exclude')),
    unknownInclude: isInclude(site.kwargs.get('unknown')),
  };
}

function setOf(value: Value | undefined): Set<string> | undefined {
  const strings = refs(value ?? []).filter((r) => r.type === 'strings');
  if (strings.length === 0) return undefined;
  return new Set(strings.flatMap((r) => (r.type === 'strings' ? [...r.values] : [])));
}

function isTrue(expr: Expr | undefined): boolean {
  return expr?.t === 'const' && expr.v === 'True';
}

function isInclude(value: Value | undefined): boolean {
  if (!value) return false;
  return externalPaths(value).some((p) => /INCLUDE$/.test(p)) || (setOf(value)?.has('include') ?? false);
}


/**
 * The keys a schema given by expression loads (`PetSchema`, `PetSchema(partial=True)`, a webargs dict
 * `{"name": fields.Str()}`), or undefined when it is no schema; ANY when it takes unknown keys.
 */
export function schemaKeysOf(engine: Engine, schemas: MarshmallowSchemas, module: string, expr: Expr): KeySet | undefined {
  if (expr.t === 'dict') return only(expr.entries.flatMap((e) => ('key' in e && e.key.t === 'str' ? [e.key.v] : [])));
  const value = engine.evaluateInModule(module, expr);
  const options = (tagged(value, SCHEMA)[0]?.data ?? {}) as SchemaOptions;
  for (const q of [...classesOf(value), ...tagged(value, SCHEMA).map((t) => t.cls!)]) {
    const cls = engine.project.classes.get(q);
    const shape = cls && schemas.shapeOf(cls);
    if (!shape) continue;
    if (shape.unknownInclude || options.unknownInclude) return ANY;
    return only([...shape.loadable].filter((f) => (!options.only || options.only.has(f)) && !options.exclude?.has(f)));
  }
  return undefined;
}
