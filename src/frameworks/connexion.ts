// connexion: routes declared in an OpenAPI/Swagger file (YAML or JSON) that `app.add_api(...)` loads,
// each bound to a project function by `operationId` (and `x-openapi-router-controller`), with its auth
// from the spec's security schemes and the request body handed to the function's `body` parameter.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { ANY } from '../dataflow/keyset.js';
import type { Value } from '../dataflow/facts.js';
import type { LibraryModel } from '../dataflow/library.js';
import type { Expr, ModuleIR } from '../python/ir.js';
import type { AuthInfo } from '../result.js';
import type { FunctionInfo, ProjectIndex } from '../semantic/project.js';
import type { DiscoveredRoute } from './flask/routes.js';
import { forEachCall } from './flask/routes.js';

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];
const APP_TEXT = /\bconnexion\b[\s\S]*\.add_api\(/;

type Spec = Record<string, unknown>;

export interface ConnexionApis {
  routes: DiscoveredRoute[];
  /** Handler qualified name → the parameter that receives the request body. */
  bodies: Map<string, string>;
}

/** Reads every spec an `add_api` call of the project names, relative to the scanned folder `root`. */
export function connexionApis(project: ProjectIndex, root: string | undefined): ConnexionApis {
  const out: ConnexionApis = { routes: [], bodies: new Map() };
  if (!root) return out;
  for (const module of project.modules.values()) {
    if (!APP_TEXT.test(module.source)) continue;
    const specDir = specificationDir(module);
    forEachCall(module.body, (call) => {
      if (call.fn.t !== 'attr' || call.fn.name !== 'add_api') return;
      const file = stringOf(call.args.find((a) => !a.name)?.value ?? call.args.find((a) => a.name === 'specification')?.value);
      if (!file) return;
      const spec = readSpec(root, module, specDir, file);
      if (spec) readOperations(project, spec, stringOf(call.args.find((a) => a.name === 'base_path')?.value), out);
    });
  }
  return out;
}

/** The body parameter connexion fills, as the caller's whole mapping. */
export function connexionModel(apis: ConnexionApis): LibraryModel {
  return {
    name: 'connexion',
    injectedParameters(fn) {
      const param = apis.bodies.get(fn.qname);
      if (!param || !fn.def.params.some((p) => p.name === param)) return undefined;
      const step = { path: fn.module.path, offset: fn.def.nameOffset, end: fn.def.nameOffset + fn.def.name.length, note: `${param} (connexion passes the request body)` };
      const value: Value = [{ k: 'map', origin: { source: `connexion ${param}` }, keys: ANY, trace: [step] }];
      return new Map([[param, value]]);
    },
  };
}

function specificationDir(module: ModuleIR): string {
  const m = /specification_dir\s*=\s*(?:[\w.]+\s*\/\s*)?['"]([^'"]+)['"]/.exec(module.source);
  return m ? m[1]! : '';
}

function readSpec(root: string, module: ModuleIR, specDir: string, file: string): Spec | undefined {
  const folder = dirname(module.path);
  const base = statSync(root).isDirectory() ? root : dirname(root);
  for (const candidate of [join(base, folder, specDir, file), join(base, specDir, file), join(base, folder, file), join(base, file)]) {
    if (!existsSync(candidate)) continue;
    try {
      const spec = parse(readFileSync(candidate, 'utf8')) as unknown;
      return spec && typeof spec === 'object' ? (spec as Spec) : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function readOperations(project: ProjectIndex, spec: Spec, basePathArg: string | undefined, out: ConnexionApis): void {
  const base = basePathArg ?? basePathOf(spec);
  const schemes = record(record(spec.components)?.securitySchemes) ?? record(spec.securityDefinitions) ?? {};
  const paths = record(spec.paths) ?? {};
  for (const [path, item] of Object.entries(paths)) {
    const pathItem = record(item) ?? {};
    for (const method of HTTP_METHODS) {
      const op = record(pathItem[method]);
      const operationId = typeof op?.operationId === 'string' ? op.operationId : undefined;
      if (!op || !operationId) continue;
      const controller = op['x-openapi-router-controller'] ?? pathItem['x-openapi-router-controller'];
      const handler = findHandler(project, typeof controller === 'string' ? `${controller}.${operationId}` : operationId);
      if (!handler) continue;
      const rule = joinPath(base, path.replace(/\{([^}]+)\}/g, '<$1>'));
      const security = Array.isArray(op.security) ? op.security : Array.isArray(spec.security) ? spec.security : [];
      out.routes.push({ methods: [method.toUpperCase()], rule, handler, auth: authOf(security, schemes) });
      const body = bodyParameter(op);
      if (body) out.bodies.set(handler.qname, body);
    }
  }
}

/** `operationId` names a function by its import path; the project knows it by a path from the scan root. */
function findHandler(project: ProjectIndex, dotted: string): FunctionInfo | undefined {
  const parts = dotted.split('.');
  for (let i = parts.length - 1; i >= 1; i--) {
    const moduleName = parts.slice(0, i).join('.');
    for (const module of project.modules.values()) {
      if (module.name !== moduleName && !module.name.endsWith(`.${moduleName}`) && !moduleName.endsWith(`.${module.name}`)) continue;
      project.load(module);
      const fn = project.functions.get(`${module.name}.${parts.slice(i).join('.')}`);
      if (fn) return fn;
    }
  }
  return undefined;
}

function authOf(security: unknown[], schemes: Record<string, unknown>): AuthInfo {
  for (const requirement of security) {
    for (const name of Object.keys(record(requirement) ?? {})) {
      const scheme = record(schemes[name]);
      if (scheme?.type === 'apiKey') return { kind: 'api_key', via: `${scheme.in === 'query' ? 'query' : scheme.in === 'cookie' ? 'cookie' : 'header'} ${String(scheme.name)}` };
      if (scheme?.type === 'http' && /^bearer$/i.test(String(scheme.scheme))) return { kind: 'api_key', via: 'header Authorization' };
      if (scheme) return { kind: 'other', via: `connexion ${String(scheme.type)}` };
    }
  }
  return { kind: 'none' };
}

/** OpenAPI 3 `requestBody` (named by `x-body-name`, else `body`), or a Swagger 2 `in: body` parameter's name. */
function bodyParameter(op: Record<string, unknown>): string | undefined {
  const requestBody = record(op.requestBody);
  if (requestBody) return typeof requestBody['x-body-name'] === 'string' ? requestBody['x-body-name'] : 'body';
  const parameters = Array.isArray(op.parameters) ? op.parameters : [];
  const body = parameters.map(record).find((p) => p?.in === 'body');
  return body && typeof body.name === 'string' ? body.name : undefined;
}

function basePathOf(spec: Spec): string {
  if (typeof spec.basePath === 'string') return spec.basePath;
  const server = record(Array.isArray(spec.servers) ? spec.servers[0] : undefined);
  const url = typeof server?.url === 'string' ? server.url : '';
  return url.replace(/^[a-z]+:\/\/[^/]+/i, '').replace(/\/+$/, '');
}

function joinPath(base: string, path: string): string {
  return base ? `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}` : path;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function stringOf(expr: Expr | undefined): string | undefined {
  return expr?.t === 'str' ? expr.v : undefined;
}
