// Flask objects the route and auth discovery reads back: apps, blueprints (with their URL prefixes)
// and flask-httpauth authenticators (with how their credential travels).
import { obj, refs, type Value } from '../../dataflow/facts.js';
import type { CallSite, LibraryModel } from '../../dataflow/library.js';
import type { AuthInfo } from '../../result.js';
import { externalPaths, tagged } from '../access.js';

export const APP = 'flask.app';
export const BLUEPRINT = 'flask.blueprint';
export const HTTP_AUTH = 'flask_httpauth.auth';

export interface BlueprintData {
  name: string;
  prefix: string;
  /** Prefixes given when it is registered: `app.register_blueprint(bp, url_prefix='/v1')`. */
  registeredPrefixes: string[];
  /** Blueprints it is nested in (`parent.register_blueprint(bp)`). */
  parents: BlueprintData[];
}

export function flaskAppModel(): LibraryModel {
  const blueprints = new Map<string, BlueprintData>();
  return {
    name: 'flask.app',
    call(site) {
      const paths = externalPaths(site.callee);
      if (paths.some((p) => /^flask(\.app)?\.Flask$/.test(p))) return [obj({ type: 'tagged', tag: APP })];
      if (paths.some((p) => /^flask(\.blueprints)?\.Blueprint$/.test(p))) {
        const key = `${site.path}:${site.expr.s}`;
        let data = blueprints.get(key);
        if (!data) {
          data = { name: stringArg(site, 0, 'name') ?? '', prefix: stringArg(site, -1, 'url_prefix') ?? '', registeredPrefixes: [], parents: [] };
          blueprints.set(key, data);
        }
        return [obj({ type: 'tagged', tag: BLUEPRINT, cls: key, data })];
      }
      const auth = httpAuth(paths, site);
      if (auth) return [obj({ type: 'tagged', tag: HTTP_AUTH, data: auth })];
      if (site.method === 'register_blueprint' && site.args[0]) {
        const prefix = stringArg(site, -1, 'url_prefix');
        const parent = site.receiver ? tagged(site.receiver, BLUEPRINT)[0]?.data as BlueprintData | undefined : undefined;
        for (const bp of tagged(site.args[0], BLUEPRINT)) {
          const data = bp.data as BlueprintData;
          if (prefix !== undefined && !data.registeredPrefixes.includes(prefix)) data.registeredPrefixes.push(prefix);
          if (parent && !data.parents.includes(parent)) data.parents.push(parent);
        }
        return [];
      }
      return undefined;
    },
  };
}

function httpAuth(paths: string[], site: CallSite): AuthInfo | undefined {
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
