// The user objects auth extensions hand a view, as data: flask-login's and flask-jwt-extended's
// `current_user` and flask-httpauth's `auth.current_user()` stand for whatever the project's loader
// callback (`user_loader`, `user_lookup_loader`, `verify_token`, `verify_password`) returns.
import { obj, union, type Value } from '../dataflow/facts.js';
import type { Engine } from '../dataflow/engine.js';
import type { LibraryModel } from '../dataflow/library.js';
import type { FunctionInfo } from '../semantic/project.js';
import { externalPaths, projectSpells, tagged } from './access.js';
import { HTTP_AUTH } from './flask/app.js';

interface UserSource {
  /** The outside name (or call) that stands for the loaded user. */
  proxy: RegExp;
  /** Decorator access paths that register the loader. */
  loader: RegExp;
}

const USER_SOURCES: UserSource[] = [
  { proxy: /^flask_login(\.utils)?\.current_user$/, loader: /^flask_login\.LoginManager\(\)\.(user_loader|request_loader)$/ },
  { proxy: /^flask_jwt_extended(\.utils)?\.(current_user|get_current_user\(\))$/, loader: /^flask_jwt_extended\.JWTManager\(\)\.user_lookup_loader$/ },
  { proxy: /^flask_httpauth\.\w+\(\)\.current_user\(\)$/, loader: /^flask_httpauth\.\w+\(\)\.(verify_token|verify_password)$/ },
];

/** The packages those names come from. */
const PACKAGES = ['flask_login', 'flask_jwt_extended', 'flask_httpauth'];

const HTTP_AUTH_MEMBERS = new Set(['current_user', 'verify_token', 'verify_password']);

/** Text of a module that may register a loader: only those modules are indexed to look for one. */
const LOADER_TEXT = /@[\w.]+\.(user_loader|request_loader|user_lookup_loader|verify_token|verify_password)\b/;

export function authUsersModel(engine: Engine): LibraryModel {
  if (!projectSpells(engine.project, ...PACKAGES)) return { name: 'auth-users' };
  let loaders: Map<UserSource, FunctionInfo[]> | undefined;
  const loadersOf = (source: UserSource): FunctionInfo[] => {
    loaders ??= findLoaders(engine);
    return loaders.get(source) ?? [];
  };
  const loaded = (path: string): Value | undefined => {
    const source = USER_SOURCES.find((s) => s.proxy.test(path));
    if (!source) return undefined;
    const returns = loadersOf(source).map((fn) => engine.summaryOf(fn).returns.filter((f) => f.k === 'object' && f.ref.type !== 'param'));
    return returns.length > 0 ? union(...returns) : undefined;
  };
  return {
    name: 'auth-users',
    outside: loaded,
    attribute(base, name) {
      // flask-httpauth objects are tagged by the Flask app model; give their user hooks an access path
      if (!HTTP_AUTH_MEMBERS.has(name) || tagged(base, HTTP_AUTH).length === 0) return undefined;
      return [obj({ type: 'external', path: `flask_httpauth.HTTPAuth().${name}` })];
    },
    call(site) {
      for (const path of externalPaths(site.callee)) {
        const user = loaded(`${path}()`);
        if (user) return union([obj({ type: 'external', path: `${path}()` })], user);
      }
      return undefined;
    },
  };
}

function findLoaders(engine: Engine): Map<UserSource, FunctionInfo[]> {
  const out = new Map<UserSource, FunctionInfo[]>();
  for (const module of [...engine.project.modules.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    if (!LOADER_TEXT.test(module.source)) continue;
    engine.project.load(module);
    for (const fn of engine.project.functions.values()) {
      if (fn.module !== module) continue;
      for (const decorator of fn.def.decorators) {
        for (const path of externalPaths(engine.evaluateInModule(module.name, decorator))) {
          const source = USER_SOURCES.find((s) => s.loader.test(path));
          if (source) out.set(source, [...(out.get(source) ?? []), fn]);
        }
      }
    }
  }
  return out;
}
