// flask-pydantic: `@validate()` hands the view's `body` / `query` / `form` parameters the request parsed
// into their annotated pydantic model: an instance carrying the caller's keys, as pydantic bounds them.
import { ANY } from '../dataflow/keyset.js';
import { obj, refs, type Value } from '../dataflow/facts.js';
import type { Engine } from '../dataflow/engine.js';
import type { LibraryModel } from '../dataflow/library.js';
import { externalPaths, projectSpells } from './access.js';
import type { PydanticModels } from './pydantic.js';
import { eachDecorator } from './webargs.js';

const VALIDATE = /^flask_pydantic(\.core)?\.validate$/;
const PARAMETERS = new Set(['body', 'query', 'form']);

export function flaskPydanticModel(engine: Engine, models: PydanticModels): LibraryModel {
  if (!projectSpells(engine.project, 'flask_pydantic')) return { name: 'flask-pydantic' };
  return {
    name: 'flask-pydantic',
    injectedParameters(fn, evaluate) {
      return eachDecorator(fn, (decorator) => {
        const target = decorator.t === 'call' ? decorator.fn : decorator;
        if (!externalPaths(evaluate(target)).some((p) => VALIDATE.test(p))) return undefined;
        const out = new Map<string, Value>();
        for (const param of fn.def.params) {
          if (!PARAMETERS.has(param.name) || !param.annotation) continue;
          const cls = refs(evaluate(param.annotation)).find((r) => r.type === 'class');
          const info = cls?.type === 'class' ? engine.project.classes.get(cls.cls) : undefined;
          if (!info || !models.shapeOf(info)) continue;
          const text = fn.module.source.slice(decorator.s, decorator.e);
          const step = { path: fn.module.path, offset: decorator.s, end: decorator.e, note: `${text} (flask-pydantic parses the ${param.name})` };
          out.set(param.name, [obj({ type: 'instance', cls: info.qname, payload: [{ k: 'map', origin: { source: `${text} ${param.name}` }, keys: ANY, trace: [step] }] })]);
        }
        return out.size > 0 ? out : undefined;
      });
    },
  };
}
