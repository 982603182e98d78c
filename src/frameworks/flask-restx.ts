// flask-restx (and flask-restplus): `api.payload` / `ns.payload` is the caller's whole body (a row); a
// view under `@ns.expect(model, validate=True)` whose model is strict (`strict=True`, extra keys refused)
// holds only the model's fields (a hook: the bound depends on the enclosing view's decorators).
import { ANY, only, type KeySet } from '../dataflow/keyset.js';
import { obj } from '../dataflow/facts.js';
import type { Engine } from '../dataflow/engine.js';
import type { AttributeSite, CallSite, LibraryModel } from '../dataflow/library.js';
import type { Expr } from '../python/ir.js';
import type { FunctionInfo } from '../semantic/project.js';
import { externalPaths, projectSpells, tagged } from './access.js';
import { containerOf } from './flask/app.js';
import { packageRows, type ModelRow } from './rows.js';

const RESTX = ['flask_restx', 'flask_restplus'];

export const flaskRestxRows: ModelRow[] = packageRows('flask-restx', RESTX.flatMap((pkg): ModelRow[] => [
  { kind: 'source', on: `${pkg}.Api()`, attribute: 'payload' },
  { kind: 'source', on: `${pkg}.Namespace()`, attribute: 'payload' },
]));

const MODEL = 'flask_restx.model';

interface RestxModel {
  fields: Set<string>;
  strict: boolean;
}

export function flaskRestxModel(engine: Engine): LibraryModel {
  if (!projectSpells(engine.project, ...RESTX)) return { name: 'flask-restx' };
  return {
    name: 'flask-restx',
    call(site) {
      const onContainer = site.receiver && containerOf(site.receiver)?.type.match(/^flask_rest(x|plus)\./);
      const isModelClass = externalPaths(site.callee).some((p) => /^flask_rest(x|plus)\.(Model|SchemaModel)$/.test(p));
      if ((onContainer && (site.method === 'model' || site.method === 'inherit' || site.method === 'clone')) || isModelClass) return [modelOf(site)];
      return undefined;
    },
    attribute(base, name, site) {
      if (name !== 'payload' || !containerOf(base)?.type.match(/^flask_rest(x|plus)\./)) return undefined;
      const keys = expectedKeys(engine, site);
      if (!keys) return undefined;
      return [{ k: 'map', origin: { source: site.text(site.expr) }, keys, trace: [site.step(site.expr, `${site.text(site.expr)} (validated against a strict model)`)] }];
    },
  };
}

/** A model's fields: the dict literal's keys, plus a parent's for `inherit`/`clone`. */
function modelOf(site: CallSite): ReturnType<typeof obj> {
  const fields = new Set<string>();
  for (const arg of site.expr.args.filter((a) => !a.name).slice(1)) {
    if (arg.value.t === 'dict') for (const e of arg.value.entries) if ('key' in e && e.key.t === 'str') fields.add(e.key.v);
  }
  for (const parent of site.args.slice(1)) for (const m of tagged(parent, MODEL)) for (const f of (m.data as RestxModel).fields) fields.add(f);
  const strict = site.expr.args.some((a) => a.name === 'strict' && a.value.t === 'const' && a.value.v === 'True');
  return obj({ type: 'tagged', tag: MODEL, data: { fields, strict } satisfies RestxModel });
}

/** The keys `payload` can hold in the view around `site`: a strict model's fields when it is expected with validation. */
function expectedKeys(engine: Engine, site: AttributeSite): KeySet | undefined {
  const fn = enclosing(engine, site.path, site.expr.s);
  if (!fn) return undefined;
  for (const d of fn.def.decorators) {
    if (d.t !== 'call' || d.fn.t !== 'attr' || d.fn.name !== 'expect') continue;
    if (!d.args.some((a) => a.name === 'validate' && a.value.t === 'const' && a.value.v === 'True')) continue;
    const model = d.args.find((a) => !a.name)?.value;
    const data = model && modelData(engine, fn, model);
    if (data?.strict) return only(data.fields);
    return ANY;
  }
  return undefined;
}

function modelData(engine: Engine, fn: FunctionInfo, expr: Expr): RestxModel | undefined {
  return tagged(engine.evaluateInModule(fn.module.name, expr), MODEL)[0]?.data as RestxModel | undefined;
}

/** The innermost project function whose body holds `offset` in module `path`. */
function enclosing(engine: Engine, path: string, offset: number): FunctionInfo | undefined {
  let best: FunctionInfo | undefined;
  for (const fn of engine.project.functions.values()) {
    if (fn.module.path !== path || offset < fn.def.s || offset >= fn.def.e) continue;
    if (!best || fn.def.s > best.def.s) best = fn;
  }
  return best;
}

