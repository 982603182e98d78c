// The interface between the dataflow engine and what it is told about libraries: sources, sinks,
// sanitizers and the meaning of outside names. The engine calls these hooks and names no framework.
import type { Expr, Span } from '../python/ir.js';
import type { KeySet } from './keyset.js';
import type { ObjectRef, Step, TaintFact, Value } from './facts.js';
import type { ClassInfo, FunctionInfo, ProjectIndex } from '../semantic/project.js';

/** A write that caller-chosen keys (or a caller-chosen value) reach. */
export interface SinkReport {
  /** Opaque to the engine; the analysis maps it to a rule. */
  kind: string;
  /** The taint facts that reach the write: key facts, mapping facts, or value facts. */
  facts: TaintFact[];
  /** The object written: its value (instances, classes, parameters) decides the model. */
  target: Value;
  /** Source range of the sink expression. */
  node: Span;
  /** Where the finding sits when not at the start of `node` (a keyword of a multi-line call). */
  at?: Span;
  /** Source range of the target expression, for messages. */
  targetNode?: Span;
  /** Further narrows the keys (e.g. the fields a schema loads). */
  restrict?: KeySet;
  /** The library that bounded the keys, if one did. */
  bound?: string;
  /** For value sinks: the field the value is written to. */
  field?: string;
}

export interface SiteContext {
  readonly project: ProjectIndex;
  /** Module path of the code being analysed. */
  readonly path: string;
  /** A trace step at `node` with its source text (or `note`). */
  step(node: Span, note?: string): Step;
  text(node: Span): string;
  report(sink: SinkReport): void;
  /** Evaluates an expression of the code being analysed, in its current state. */
  evaluate(expr: Expr): Value;
  /** Evaluates an expression in the scope of a class body's module (for reading class declarations). */
  evaluateInModule(module: string, expr: Expr): Value;
  /** Gives a variable a new value from here on (a validator that bounds the mapping it checked). */
  rebind(expr: Expr, value: Value): void;
}

export interface CallSite extends SiteContext {
  expr: Extract<Expr, { t: 'call' }>;
  callee: Value;
  /** For `obj.method(...)`: the value of `obj` and the method name. */
  receiver?: Value;
  method?: string;
  receiverExpr?: Expr;
  args: Value[];
  kwargs: Map<string, Value>;
  /** Values of `**mapping` arguments. */
  spread: Value[];
}

export interface AttributeSite extends SiteContext {
  expr: Extract<Expr, { t: 'attr' }>;
}

export interface AssignAttributeSite extends SiteContext {
  /** The whole assignment statement. */
  node: Span;
  targetExpr: Expr;
}

export interface LibraryModel {
  readonly name: string;
  /** The value of a call, or undefined for no opinion. Hooks may report sinks either way. */
  call?(site: CallSite): Value | undefined;
  /** The value of `base.name`, or undefined for no opinion. */
  attribute?(base: Value, name: string, site: AttributeSite): Value | undefined;
  /** Sees `target.name = value`. */
  assignAttribute?(target: Value, name: string, value: Value, site: AssignAttributeSite): void;
  /** Does calling this never return (like `abort`)? */
  noReturn?(callee: Value): boolean;
  /** The value a class gives to `cls.name` when the project class does not define it (e.g. `Model.query`). */
  classAttribute?(cls: ClassInfo, name: string, site: AttributeSite): Value | undefined;
  /**
   * What an outside name stands for beyond its access path, e.g. a proxy to the object a project
   * callback returned (`flask_login.current_user`). Undefined for no opinion.
   */
  outside?(path: string): Value | undefined;
  /** The iteration of an object, e.g. a query yields instances of its model. */
  iterate?(ref: ObjectRef): Value | undefined;
  /**
   * Values a library hands the parameters of a view it calls (`@use_args(Schema)`, a connexion `body`), by parameter
   * name. `evaluate` reads an expression of the view's module (a decorator, an annotation), each once for all models.
   */
  injectedParameters?(fn: FunctionInfo, evaluate: (expr: Expr) => Value): Map<string, Value> | undefined;
}

type HookName = Exclude<keyof LibraryModel, 'name'>;

/**
 * Each hook's implementations, in the models' order and bound to their model: the engine asks a hook only of the
 * models that have it.
 */
export type Hooks = { [H in HookName]: NonNullable<LibraryModel[H]>[] };

/** Every hook's name: the type makes the list complete. */
const HOOK_NAMES: Record<HookName, true> = {
  call: true, attribute: true, assignAttribute: true, noReturn: true,
  classAttribute: true, outside: true, iterate: true, injectedParameters: true,
};

export function hooksOf(models: readonly LibraryModel[]): Hooks {
  const hooks: Partial<Record<HookName, unknown[]>> = {};
  for (const name of Object.keys(HOOK_NAMES) as HookName[]) {
    hooks[name] = models.flatMap((m) => {
      const hook = m[name] as ((...args: never[]) => unknown) | undefined;
      return hook ? [hook.bind(m)] : [];
    });
  }
  return hooks as Hooks;
}
