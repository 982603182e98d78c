// APIFairy: `@body(schema)` (and `@arguments(schema)` for the query string) hands the view the request as the
// schema loads it, as its next positional argument; `@authenticate(auth)` is auth by the authenticator it names.
import type { Engine } from '../dataflow/engine.js';
import type { LibraryModel } from '../dataflow/library.js';
import type { Expr } from '../python/ir.js';
import { externalPaths, projectSpells } from './access.js';
import type { MarshmallowSchemas } from './marshmallow.js';
import { eachDecorator, injectedParameter, loaded } from './webargs.js';

const INJECTORS = /^apifairy(\.decorators)?\.(body|arguments)$/;

export function apifairyModel(engine: Engine, schemas: MarshmallowSchemas): LibraryModel {
  if (!projectSpells(engine.project, 'apifairy')) return { name: 'apifairy' };
  return {
    name: 'apifairy',
    injectedParameters(fn, evaluate) {
      const isInjector = (d: Expr): d is Extract<Expr, { t: 'call' }> =>
        d.t === 'call' && externalPaths(evaluate(d.fn)).some((p) => INJECTORS.test(p));
      return eachDecorator(fn, (decorator) => {
        if (!isInjector(decorator) || !decorator.args[0] || decorator.args[0].name) return undefined;
        const param = injectedParameter(fn, decorator, isInjector);
        return param ? loaded(engine, schemas, fn, decorator, param, 'apifairy') : undefined;
      });
    },
  };
}
