// Flask objects the route and auth discovery reads back: apps, route containers (blueprints, flask-smorest
// blueprints, flask-restful and flask-restx Apis, restx Namespaces, with their URL prefixes and where they
// are mounted), class-based views made by `as_view`, and flask-httpauth authenticators.
import { obj, refs, type Value } from '../../dataflow/facts.js';
import type { CallSite, LibraryModel } from '../../dataflow/library.js';
import type { Expr } from '../../python/ir.js';
import type { AuthInfo } from '../../result.js';
import { classesOf, derivesFrom, externalPaths, tagged } from '../access.js';
import type { Engine } from '../../dataflow/engine.js';

export const APP = 'flask.app';
export const BLUEPRINT = 'flask.blueprint';
export const HTTP_AUTH = 'flask_httpauth.auth';
export const VIEW = 'flask.as_view';

/** Something routes are declared on: a blueprint, an Api or a Namespace. */
export interface BlueprintData {
  name: string;
  /** Its own prefix: a blueprint's `url_prefix`, an Api's `prefix`, a Namespace's `path`. */
  prefix: string;
  /** Prefixes given when it is mounted: `app.register_blueprint(bp, url_prefix='/v1')`, `api.add_namespace(ns, path=)`. */
  registeredPrefixes: string[];
  /** Containers it is mounted in (`parent.register_blueprint(bp)`, `Api(bp)`, `api.add_namespace(ns)`). */
  parents: BlueprintData[];
  /** The outside type that made it, as rows name receivers: `flask_restx.Namespace()`. */
  type: string;
  /** Decorators the container applies to every resource (`Api(decorators=[...])`, `Namespace(decorators=[...])`). */
  decorators: { expr: Expr; module: string }[];
}

const BLUEPRINTS = /^(flask(\.blueprints)?\.Blueprint|flask_smorest\.Blueprint|flask_smorest\.blueprint\.Blueprint|apiflask\.APIBlueprint)$/;
const APIS = /^(flask_restful\.Api|flask_restx\.Api|flask_restplus\.Api|flask_smorest\.Api|flask_rest_jsonapi\.Api)$/;
const NAMESPACES = /^(flask_restx\.Namespace|flask_restplus\.Namespace)$/;

/** Whether `inner` is `outer` or mounted (transitively) in it. */
export function within(inner: BlueprintData | undefined, outer: BlueprintData, seen = new Set<BlueprintData>()): boolean {
  if (!inner || seen.has(inner)) return false;
  if (inner === outer) return true;
  seen.add(inner);
  return inner.parents.some((p) => within(p, outer, seen));
}

export function containerOf(value: Value): BlueprintData | undefined {
  return tagged(value, BLUEPRINT)[0]?.data as BlueprintData | undefined;
}

export function flaskAppModel(engine: Engine): LibraryModel {
  const containers = new Map<string, BlueprintData>();
  const make = (site: CallSite, init: () => Omit<BlueprintData, 'registeredPrefixes' | 'parents' | 'decorators' | 'type'>, parent?: BlueprintData, type = '') => {
    const key = `${site.path}:${site.expr.s}`;
    let data = containers.get(key);
    if (!data) {
      data = { ...init(), registeredPrefixes: [], parents: [], decorators: decoratorsArg(site), type };
      containers.set(key, data);
    }
    if (parent) mount(data, parent, undefined);
    // a project subclass stays an instance of itself too, so its own methods resolve
    const own = classesOf(site.callee).map((cls) => obj({ type: 'instance', cls }));
    return [obj({ type: 'tagged', tag: BLUEPRINT, cls: key, data }), ...own];
  };
  return {
    name: 'flask.app',
    call(site) {
      const bases = projectBases(engine, site.callee);
      const paths = bases.length === 0 ? externalPaths(site.callee) : [...externalPaths(site.callee), ...bases];
      if (paths.some((p) => /^flask(\.app)?\.Flask$|^connexion\.(FlaskApp|App)$|^apiflask\.APIFlask$/.test(p))) return [obj({ type: 'tagged', tag: APP })];
      const made = (re: RegExp) => paths.find((p) => re.test(p));
      const blueprint = made(BLUEPRINTS);
      if (blueprint) {
        return make(site, () => ({ name: stringArg(site, 0, 'name') ?? '', prefix: stringArg(site, -1, 'url_prefix') ?? '' }), undefined, `${blueprint}()`);
      }
      const api = made(APIS);
      if (api) {
        const mountedOn = [site.args[0], site.kwargs.get('app'), site.kwargs.get('blueprint')].map((v) => v && containerOf(v)).find(Boolean);
        return make(site, () => ({ name: 'api', prefix: stringArg(site, -1, 'prefix') ?? '' }), mountedOn, `${api}()`);
      }
      const ns = made(NAMESPACES);
      if (ns) return make(site, () => namespace(site), undefined, `${ns}()`);
      const receiver = site.receiver ? containerOf(site.receiver) : undefined;
      if (site.method === 'namespace' && receiver) {
        const ns = make(site, () => namespace(site), undefined, receiver.type.replace(/Api\(\)$/, 'Namespace()'));
        mount(containerOf(ns)!, receiver, undefined);
        return ns;
      }
      if (site.method === 'init_app' && receiver && site.args[0]) {
        const on = containerOf(site.args[0]);
        if (on) mount(receiver, on, undefined);
        return [];
      }
      if (site.method === 'as_view') {
        const cls = site.receiver ? classesOf(site.receiver)[0] : undefined;
        if (cls) return [obj({ type: 'tagged', tag: VIEW, cls })];
      }
      const auth = httpAuth(paths, site);
      if (auth) return [obj({ type: 'tagged', tag: HTTP_AUTH, data: auth })];
      if ((site.method === 'register_blueprint' || site.method === 'add_namespace') && site.args[0]) {
        const keyword = site.method === 'add_namespace' ? 'path' : 'url_prefix';
        // a prefix given but not constant here (an f-string) is read by the route discovery, which can build it
        const prefix = site.kwargs.has(keyword) ? stringArg(site, -1, keyword) ?? null : undefined;
        for (const bp of tagged(site.args[0], BLUEPRINT)) mount(bp.data as BlueprintData, receiver, prefix);
        return [];
      }
      return undefined;
    },
  };
}

/** For a project class deriving from a Flask container (`class APIBlueprint(flask_smorest.Blueprint)`), that base's path. */
function projectBases(engine: Engine, callee: Value): string[] {
  const out: string[] = [];
  for (const q of classesOf(callee)) {
    const cls = engine.project.classes.get(q);
    if (cls) derivesFrom(engine, cls, (p) => ([BLUEPRINTS, APIS, NAMESPACES].some((re) => re.test(p)) ? (out.push(p), true) : false));
  }
  return out;
}

/** Records that `inner` is mounted in `parent` (or on the app, when absent) at `prefix` (or its own; null: not known yet). */
export function mount(inner: BlueprintData, parent: BlueprintData | undefined, prefix: string | null | undefined): void {
  if (prefix !== null) mountAt(inner, prefix ?? inner.prefix);
  if (parent && parent !== inner && !within(parent, inner) && !inner.parents.includes(parent)) inner.parents.push(parent);
}

/** Adds a prefix a container is mounted at. */
function mountAt(inner: BlueprintData, prefix: string): void {
  if (!inner.registeredPrefixes.includes(prefix)) inner.registeredPrefixes.push(prefix);
}

/** A restx Namespace: its path, or `/name`. */
function namespace(site: CallSite): { name: string; prefix: string } {
  const name = stringArg(site, 0, 'name') ?? '';
  return { name, prefix: (stringArg(site, -1, 'path') ?? `/${name}`).replace(/\/+$/, '') };
}

function decoratorsArg(site: CallSite): BlueprintData['decorators'] {
  const list = site.expr.args.find((a) => a.name === 'decorators')?.value;
  if (list?.t !== 'seq') return [];
  const module = [...site.project.modules.values()].find((m) => m.path === site.path)?.name ?? '';
  return list.items.map((expr) => ({ expr, module }));
}

function httpAuth(paths: readonly string[], site: CallSite): AuthInfo | undefined {
  if (paths.some((p) => /^flask_httpauth\.HTTPTokenAuth$/.test(p))) {
    const header = stringArg(site, -1, 'header');
    return { kind: 'api_key', via: `header ${header ?? 'Authorization'}` };
  }
  if (paths.some((p) => /^flask_httpauth\.HTTP(Basic|Digest)Auth$/.test(p))) return { kind: 'other', via: 'HTTP basic/digest auth' };
  if (paths.some((p) => /^flask_httpauth\.MultiAuth$/.test(p))) return { kind: 'other', via: 'flask-httpauth MultiAuth' };
  return undefined;
}

/** A string argument by position (or -1 for keyword only) or keyword. */
function stringArg(site: CallSite, position: number, keyword: string): string | undefined {
  const value: Value | undefined = site.kwargs.get(keyword) ?? (position >= 0 ? site.args[position] : undefined);
  for (const r of refs(value ?? [])) if (r.type === 'strings' && r.values.size === 1) return [...r.values][0];
  return undefined;
}
