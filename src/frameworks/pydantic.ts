// pydantic (v1 and v2): a model's declared fields bound the caller's keys unless it allows extra fields;
// `.dict()` / `.model_dump()` hands those keys on, and attribute reads give the caller's values.
import { ANY, join, only, subtract, intersect, type KeySet } from '../dataflow/keyset.js';
import { extend, ofKind, obj, refs, type Fact, type TaintFact, type Value } from '../dataflow/facts.js';
import type { Engine } from '../dataflow/engine.js';
import type { CallSite, LibraryModel } from '../dataflow/library.js';
import type { ClassInfo } from '../semantic/project.js';
import { classAssignment } from '../dataflow/classes.js';
import { classesOf, derivesFrom, externalPaths, isExternal, projectSpells } from './access.js';

const BASE_MODEL = /^pydantic(\.v1|\.main)?\.BaseModel$/;
const VALIDATORS = new Set(['parse_obj', 'model_validate', 'parse_raw', 'model_validate_json', 'construct', 'model_construct']);
const DUMPERS = new Set(['dict', 'model_dump', 'to_dict']);

export interface PydanticShape {
  cls: ClassInfo;
  fields: string[];
  extraAllowed: boolean;
}

export class PydanticModels {
  private readonly cache = new Map<string, PydanticShape | null>();

  constructor(private readonly engine: Engine) {}

  shapeOf(cls: ClassInfo): PydanticShape | undefined {
    if (this.cache.has(cls.qname)) return this.cache.get(cls.qname) ?? undefined;
    this.cache.set(cls.qname, null);
    if (!derivesFrom(this.engine, cls, (p) => BASE_MODEL.test(p))) return undefined;
    const fields = new Set<string>();
    const extraAllowed = this.collect(cls, fields, new Set());
    const shape = { cls, fields: [...fields], extraAllowed };
    this.cache.set(cls.qname, shape);
    return shape;
  }

  /** Gathers annotated fields through project bases; returns whether any level allows extra fields. */
  private collect(cls: ClassInfo, fields: Set<string>, seen: Set<string>): boolean {
    if (seen.has(cls.qname)) return false;
    seen.add(cls.qname);
    let extra = this.allowsExtra(cls);
    for (const base of cls.def.bases.filter((b) => !b.name)) {
      for (const q of classesOf(this.engine.evaluateInModule(cls.module.name, base.value))) {
        const info = this.engine.project.classes.get(q);
        if (info) extra = this.collect(info, fields, seen) || extra;
      }
    }
    for (const stmt of cls.def.body) {
      const target = stmt.t === 'annotated' ? stmt.target : stmt.t === 'assign' && stmt.annotation ? stmt.targets[0] : undefined;
      if (target?.t === 'name' && !target.id.startsWith('_') && target.id !== 'model_config') fields.add(target.id);
    }
    return extra;
  }

  private allowsExtra(cls: ClassInfo): boolean {
    const keyword = cls.def.bases.find((b) => b.name === 'extra');
    if (keyword && this.isAllow(cls, keyword.value)) return true;
    const config = cls.nested.get('Config');
    const v1 = config && classAssignment(config, 'extra');
    if (v1 && this.isAllow(config!, v1)) return true;
    const v2 = classAssignment(cls, 'model_config');
    if (v2?.t === 'call') return v2.args.some((a) => a.name === 'extra' && this.isAllow(cls, a.value));
    if (v2?.t === 'dict') return v2.entries.some((e) => 'key' in e && e.key.t === 'str' && e.key.v === 'extra' && this.isAllow(cls, e.value));
    return false;
  }

  private isAllow(cls: ClassInfo, expr: import('../python/ir.js').Expr): boolean {
    if (expr.t === 'str') return expr.v === 'allow';
    return externalPaths(this.engine.evaluateInModule(cls.module.name, expr)).some((p) => /Extra\.allow$/.test(p));
  }

  /** The keys a dump of this model hands on, given the keys the caller sent. */
  dumpKeys(shape: PydanticShape, sent: KeySet): KeySet {
    return shape.extraAllowed ? join(sent, only(shape.fields)) : only(shape.fields);
  }
}

export function pydanticModel(engine: Engine, models: PydanticModels): LibraryModel {
  if (!projectSpells(engine.project, 'pydantic')) return { name: 'pydantic' };
  const shapeOfClass = (q: string) => {
    const cls = engine.project.classes.get(q);
    return cls ? models.shapeOf(cls) : undefined;
  };
  return {
    name: 'pydantic',
    call(site) {
      // Model(**data), Model.parse_obj(data), parse_obj_as(Model, data)
      for (const q of classesOf(site.callee)) {
        if (shapeOfClass(q)) return [instance(q, site, [...site.spread, ...site.args])];
      }
      if (site.method && VALIDATORS.has(site.method) && site.receiver) {
        for (const q of classesOf(site.receiver)) if (shapeOfClass(q)) return [instance(q, site, site.args)];
      }
      if (isExternal(site.callee, 'pydantic.parse_obj_as', 'pydantic.TypeAdapter') && site.args[0]) {
        for (const q of classesOf(site.args[0])) if (shapeOfClass(q)) return [instance(q, site, site.args.slice(1))];
      }
      // m.dict(), m.model_dump(), dict(m)
      const dumped = site.method && DUMPERS.has(site.method) ? site.receiver : isExternal(site.callee, 'builtins.dict') ? site.args[0] : undefined;
      if (dumped) {
        const out = dump(dumped, site);
        if (out.length > 0) return out;
      }
      return undefined;
    },
    attribute(base, name, site) {
      const out: Fact[] = [];
      for (const ref of refs(base)) {
        if (ref.type !== 'instance' || !ref.payload) continue;
        const shape = shapeOfClass(ref.cls);
        if (!shape || (!shape.fields.includes(name) && !shape.extraAllowed)) continue;
        for (const f of ref.payload) {
          if (f.k === 'map') out.push({ k: 'value', origin: f.origin, field: name, trace: extend(f.trace, site.step(site.expr)), check: 'none' });
        }
      }
      return out.length > 0 ? out : undefined;
    },
  };

  function instance(cls: string, site: CallSite, inputs: Value[]): Fact {
    const payload = inputs.flatMap((v) => ofKind(v, 'map'));
    for (const v of inputs.flatMap((x) => ofKind(x, 'value'))) {
      // parse_raw(request.data): the raw body carries every key the caller sends
      payload.push({ k: 'map', origin: v.origin, keys: ANY, trace: v.trace });
    }
    for (const [name, value] of site.kwargs) {
      for (const v of ofKind(value, 'value')) payload.push({ k: 'map', origin: v.origin, keys: only([name]), trace: v.trace });
    }
    return obj({ type: 'instance', cls, payload: payload.length > 0 ? payload : undefined });
  }

  function dump(value: Value, site: CallSite): TaintFact[] {
    const out: TaintFact[] = [];
    const step = site.step(site.expr);
    for (const ref of refs(value)) {
      if (ref.type !== 'instance' || !ref.payload) continue;
      const shape = shapeOfClass(ref.cls);
      if (!shape) continue;
      for (const f of ref.payload) {
        if (f.k !== 'map') continue;
        let keys = models.dumpKeys(shape, f.keys);
        const include = stringSet(site.kwargs.get('include'));
        const exclude = stringSet(site.kwargs.get('exclude'));
        if (include) keys = intersect(keys, include);
        if (exclude) keys = subtract(keys, exclude);
        out.push({ ...f, keys, bound: 'pydantic', trace: extend(f.trace, step) });
      }
    }
    return out;
  }
}

function stringSet(value: Value | undefined): Set<string> | undefined {
  const strings = refs(value ?? []).flatMap((r) => (r.type === 'strings' ? [...r.values] : []));
  return strings.length > 0 ? new Set(strings) : undefined;
}
