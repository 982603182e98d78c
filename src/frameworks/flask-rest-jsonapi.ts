// flask-rest-jsonapi: `api.route(UserDetail, 'user_detail', '/users/<int:id>')` serves a resource class whose
// data layer writes every key its schema loads onto the model (`Model(**data)` on POST, setattr on PATCH),
// in library code the project never shows. The writes are synthesised here, at the resource's `schema =`
// line; its `before_create_object` / `before_update_object` hook can take keys out (`data.pop('role')`).
import { only, subtract, type KeySet } from '../dataflow/keyset.js';
import { refs } from '../dataflow/facts.js';
import type { Engine } from '../dataflow/engine.js';
import type { SinkRecord } from '../dataflow/summary.js';
import type { Expr, Stmt } from '../python/ir.js';
import { childBodies, type ClassInfo, type FunctionInfo } from '../semantic/project.js';
import { classAssignment } from '../dataflow/classes.js';
import { classesOf, derivesFrom } from './access.js';
import type { BlueprintData } from './flask/app.js';
import type { DiscoveredRoute } from './flask/routes.js';
import type { MarshmallowSchemas } from './marshmallow.js';

const RESOURCE = /^flask_rest_jsonapi\.(resource\.)?(ResourceList|ResourceDetail|ResourceRelationship)$/;
const METHODS: Record<string, string[]> = { ResourceList: ['GET', 'POST'], ResourceDetail: ['GET', 'PATCH', 'DELETE'], ResourceRelationship: ['GET', 'POST', 'PATCH', 'DELETE'] };
/** Which method writes, with the hook that may bound it and the kind of write the data layer does. */
const WRITES: Record<string, { method: string; hook: string; kind: string }> = {
  ResourceList: { method: 'POST', hook: 'before_create_object', kind: 'constructor' },
  ResourceDetail: { method: 'PATCH', hook: 'before_update_object', kind: 'setattr' },
};

/** The resource kind a class derives from, if it is a flask-rest-jsonapi resource. */
function resourceKind(engine: Engine, cls: ClassInfo): string | undefined {
  for (const kind of Object.keys(METHODS)) if (derivesFrom(engine, cls, (p) => RESOURCE.test(p) && p.endsWith(kind))) return kind;
  return undefined;
}

/** The routes `api.route(Cls, endpoint, *urls)` declares, one per method the resource serves. */
export function jsonapiRoutes(engine: Engine, cls: ClassInfo, rules: string[], container: BlueprintData | undefined): DiscoveredRoute[] {
  const kind = resourceKind(engine, cls);
  if (!kind) return [];
  const declared = classAssignment(cls, 'methods');
  const allowed = declared?.t === 'seq' ? declared.items.flatMap((i) => (i.t === 'str' ? [i.v.toUpperCase()] : [])) : METHODS[kind]!;
  return rules.flatMap((rule) => allowed.filter((m) => METHODS[kind]!.includes(m)).map((method) => ({
    methods: [method], rule, handler: handlerOf(cls, method), blueprint: container, viewClass: cls,
  })));
}

/** The view method the library runs: the class's own override, or a stand-in at the class name. */
function handlerOf(cls: ClassInfo, method: string): FunctionInfo {
  const own = cls.methods.get(method.toLowerCase());
  if (own) return own;
  const def = { ...cls.def, name: method.toLowerCase(), params: [], decorators: [], body: [], isAsync: false };
  return { qname: `${cls.qname}.${method.toLowerCase()}`, module: cls.module, def, kind: 'method', owner: cls };
}

/** The library's writes for each route that creates or updates: the schema's loadable keys onto the data layer's model. */
export function jsonapiWrites(engine: Engine, schemas: MarshmallowSchemas, routes: DiscoveredRoute[]): { record: SinkRecord; handler: string }[] {
  const out: { record: SinkRecord; handler: string }[] = [];
  for (const route of routes) {
    const cls = route.viewClass;
    const kind = cls && resourceKind(engine, cls);
    const write = kind ? WRITES[kind] : undefined;
    if (!cls || !write || !route.methods.includes(write.method)) continue;
    const schemaExpr = classAssignment(cls, 'schema');
    const model = modelOf(engine, cls);
    const schemaCls = schemaExpr && classesOf(engine.evaluateInModule(cls.module.name, schemaExpr))[0];
    const shape = schemaCls ? engine.project.classes.get(schemaCls) : undefined;
    const loadable = shape && schemas.shapeOf(shape);
    if (!schemaExpr || !model || !loadable) continue;
    let keys: KeySet = loadable.unknownInclude ? { kind: 'any' } : only(loadable.loadable);
    const hook = cls.methods.get(write.hook);
    if (hook) keys = subtract(keys, removedKeys(hook));
    const stmt = cls.def.body.find((s) => s.t === 'assign' && s.value === schemaExpr)!;
    const text = cls.module.source.slice(stmt.s, stmt.e);
    const step = { path: cls.module.path, offset: stmt.s, end: stmt.e, note: `${route.methods[0]} body loaded by ${cls.module.source.slice(schemaExpr.s, schemaExpr.e)} (flask-rest-jsonapi)` };
    out.push({
      handler: route.handler.qname,
      record: {
        kind: write.kind,
        fact: { k: 'map', origin: { source: `flask-rest-jsonapi ${route.methods[0]} body` }, keys, trace: [step], bound: 'marshmallow' },
        target: { type: 'class', cls: model },
        path: cls.module.path,
        node: stmt,
        sinkText: text,
        targetText: cls.def.name,
        functionName: cls.qname,
        bound: 'marshmallow',
      },
    });
  }
  return out;
}

/** `data_layer = {'session': ..., 'model': User}`: the model the data layer writes. */
function modelOf(engine: Engine, cls: ClassInfo): string | undefined {
  const layer = classAssignment(cls, 'data_layer');
  const entry = layer?.t === 'dict' ? layer.entries.find((e): e is { key: Expr; value: Expr } => 'key' in e && e.key.t === 'str' && e.key.v === 'model') : undefined;
  return entry ? refs(engine.evaluateInModule(cls.module.name, entry.value)).flatMap((r) => (r.type === 'class' ? [r.cls] : []))[0] : undefined;
}

/** Keys a hook takes out of the loaded data: `data.pop('role', None)`, `del data['role']`. */
function removedKeys(hook: FunctionInfo): Set<string> {
  const data = hook.def.params[2]?.name ?? 'data';
  const out = new Set<string>();
  const visit = (body: Stmt[]) => {
    for (const stmt of body) {
      const e = stmt.t === 'expr' ? stmt.value : undefined;
      if (e?.t === 'call' && e.fn.t === 'attr' && e.fn.name === 'pop' && e.fn.obj.t === 'name' && e.fn.obj.id === data && e.args[0]?.value.t === 'str') out.add(e.args[0].value.v);
      if (stmt.t === 'del') for (const t of stmt.targets) if (t.t === 'sub' && t.obj.t === 'name' && t.obj.id === data && t.index.t === 'str') out.add(t.index.v);
      for (const child of childBodies(stmt)) visit(child);
    }
  };
  visit(hook.def.body);
  return out;
}
