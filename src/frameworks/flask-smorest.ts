// flask-smorest: `@blp.arguments(Schema)` hands the view (after `self`) the body as the schema loads it.
import type { Engine } from '../dataflow/engine.js';
import type { LibraryModel } from '../dataflow/library.js';
import type { Expr } from '../python/ir.js';
import { projectSpells } from './access.js';
import { containerOf } from './flask/app.js';
import type { MarshmallowSchemas } from './marshmallow.js';
import { eachDecorator, injectedParameter, loaded } from './webargs.js';

export function flaskSmorestModel(engine: Engine, schemas: MarshmallowSchemas): LibraryModel {
  if (!projectSpells(engine.project, 'flask_smorest')) return { name: 'flask-smorest' };
  return {
    name: 'flask-smorest',
    injectedParameters(fn, evaluate) {
      return eachDecorator(fn, (decorator) => {
        const isArguments = (d: Expr): d is Extract<Expr, { t: 'call' }> =>
          d.t === 'call' && d.fn.t === 'attr' && d.fn.name === 'arguments' && /^flask_smorest\./.test(containerOf(evaluate(d.fn.obj))?.type ?? '');
        if (!isArguments(decorator) || !decorator.args[0]) return undefined;
        const param = injectedParameter(fn, decorator, isArguments);
        return param ? loaded(engine, schemas, fn, decorator, param, 'flask-smorest') : undefined;
      });
    },
  };
}
