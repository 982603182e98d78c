// webargs: `@use_args(schema)` hands the view the loaded schema's keys as one argument (after `self`),
// `@use_kwargs(schema)` spreads them into the view's `**kwargs`: bounded by the schema's loadable fields.
import type { Value } from '../dataflow/facts.js';
import type { Engine } from '../dataflow/engine.js';
import type { LibraryModel } from '../dataflow/library.js';
import type { Expr } from '../python/ir.js';
import type { FunctionInfo } from '../semantic/project.js';
import { externalPaths, projectSpells } from './access.js';
import { schemaKeysOf, type MarshmallowSchemas } from './marshmallow.js';

const USE_ARGS = /^webargs\.(flaskparser\.)?(parser\.|FlaskParser\(\)\.)?use_args$|^webargs\.flaskparser\.FlaskParser\(\)\.use_args$/;
const USE_KWARGS = /^webargs\.(flaskparser\.)?(parser\.|FlaskParser\(\)\.)?use_kwargs$|^webargs\.flaskparser\.FlaskParser\(\)\.use_kwargs$/;

export function webargsModel(engine: Engine, schemas: MarshmallowSchemas): LibraryModel {
  if (!projectSpells(engine.project, 'webargs')) return { name: 'webargs' };
  return {
    name: 'webargs',
    injectedParameters(fn, evaluate) {
      return eachDecorator(fn, (decorator) => {
        if (decorator.t !== 'call' || !decorator.args[0] || decorator.args[0].name) return undefined;
        const paths = externalPaths(evaluate(decorator.fn));
        const kwargs = paths.some((p) => USE_KWARGS.test(p));
        if (!kwargs && !paths.some((p) => USE_ARGS.test(p))) return undefined;
        const param = kwargs ? fn.def.params.find((p) => p.kind === 'kwargs')?.name : injectedParameter(fn, decorator, (d) => {
          const target = d.t === 'call' ? evaluate(d.fn) : [];
          return externalPaths(target).some((p) => USE_ARGS.test(p));
        }, argName(decorator));
        return param ? loaded(engine, schemas, fn, decorator, param, 'webargs') : undefined;
      });
    },
  };
}

/** The parameters every decorator of a view injects, merged (first decorator wins a name). */
export function eachDecorator(fn: FunctionInfo, inject: (decorator: Expr) => Map<string, Value> | undefined): Map<string, Value> | undefined {
  if (fn.def.decorators.length === 0) return undefined;
  const out = new Map<string, Value>();
  for (const d of fn.def.decorators) for (const [k, v] of inject(d) ?? []) if (!out.has(k)) out.set(k, v);
  return out.size > 0 ? out : undefined;
}

/** `arg_name="body"` names the parameter; else the n-th positional parameter after `self` for the n-th such decorator. */
export function injectedParameter(fn: FunctionInfo, decorator: Expr, isInjector: (d: Expr) => boolean, named?: string): string | undefined {
  if (named) return fn.def.params.find((p) => p.name === named)?.name;
  const index = fn.def.decorators.filter(isInjector).indexOf(decorator);
  const positional = fn.def.params.filter((p) => p.kind === 'positional').slice(fn.owner ? 1 : 0);
  return index >= 0 ? positional[index]?.name : undefined;
}

function argName(decorator: Extract<Expr, { t: 'call' }>): string | undefined {
  const named = decorator.args.find((a) => a.name === 'arg_name')?.value;
  return named?.t === 'str' ? named.v : undefined;
}

/** The caller's mapping as the schema in the decorator's first argument loads it. */
export function loaded(engine: Engine, schemas: MarshmallowSchemas, fn: FunctionInfo, decorator: Extract<Expr, { t: 'call' }>, param: string, library: string): Map<string, Value> | undefined {
  const keys = schemaKeysOf(engine, schemas, fn.module.name, decorator.args[0]!.value);
  if (!keys) return undefined;
  const text = fn.module.source.slice(decorator.s, decorator.e);
  const step = { path: fn.module.path, offset: decorator.s, end: decorator.e, note: `${text} (${library} loads the body)` };
  return new Map([[param, [{ k: 'map', origin: { source: text }, keys, trace: [step], bound: 'marshmallow' }]]]);
}
