// The analysis: runs the engine over every function with the library models, finds routes and their
// auth, attributes each sink hit to the endpoints that reach it, and lets the rules turn hits into findings.
import { createHash } from 'node:crypto';
import { Engine } from '../dataflow/engine.js';
import { codeText } from '../python/positions.js';
import type { Step } from '../dataflow/facts.js';
import { describeKeySet, only, reachable, type KeySet } from '../dataflow/keyset.js';
import type { SinkRecord } from '../dataflow/summary.js';
import { authUsersModel } from '../frameworks/auth-users.js';
import { AuthResolver } from '../frameworks/flask/auth.js';
import { flaskAppModel } from '../frameworks/flask/app.js';
import { flaskRequestModel, requestReadPattern } from '../frameworks/flask/request.js';
import { discoverRoutes, fullRule } from '../frameworks/flask/routes.js';
import { reqparseModel } from '../frameworks/flask-restful.js';
import { MarshmallowSchemas, marshmallowModel } from '../frameworks/marshmallow.js';
import { PydanticModels, pydanticModel } from '../frameworks/pydantic.js';
import { pythonModel } from '../frameworks/python.js';
import { configuredModel } from '../frameworks/configured.js';
import { builtinRows } from '../frameworks/builtin-rows.js';
import { flaskRestxModel } from '../frameworks/flask-restx.js';
import { connexionApis, connexionModel } from '../frameworks/connexion.js';
import { jsonapiWrites } from '../frameworks/flask-rest-jsonapi.js';
import { flaskSmorestModel } from '../frameworks/flask-smorest.js';
import { flaskPydanticModel } from '../frameworks/flask-pydantic.js';
import { webargsModel } from '../frameworks/webargs.js';
import { apifairyModel } from '../frameworks/apifairy.js';
import { rowsModel, sourceNames } from '../frameworks/rows.js';
import { SqlAlchemyModels, sqlalchemyModel } from '../frameworks/sqlalchemy.js';
import { positionOf } from '../python/positions.js';
import type { Expr, ModuleIR } from '../python/ir.js';
import { byFindingPlace, byRoutePlace, type Endpoint, type Finding, type Fix, type Location, type ModelInfo, type ScanError, type Severity, type TraceStep } from '../result.js';
import { allRules } from '../rules/index.js';
import { ProjectIndex, type FunctionInfo } from '../semantic/project.js';
import { fixFor } from '../fix/edits.js';
import type { SinkHit, SinkKind } from './hits.js';
import { ModelCatalog } from './models.js';
import { Sensitivity } from './sensitivity.js';
import { inferContract, type Contract } from '../contract/index.js';
import type { Settings } from '../config/options.js';

/** The scan settings the analysis itself reads (declared once, in config/options.ts), and what it reports to. */
export interface AnalysisOptions extends Pick<Settings, 'sensitive' | 'notSensitive' | 'extraSources' | 'extraSanitizers' | 'extraSinks' | 'apiKeyDecorators' | 'models'> {
  /** The scanned folder or file (ScanOptions.path), for the non-Python files a library reads (connexion specs). */
  path?: string;
  /** Called as functions are analysed, for a progress bar. */
  onAnalysisProgress?: (done: number, total: number) => void;
}

export interface Analysis {
  findings: Finding[];
  routes: Endpoint[];
  models: ModelInfo[];
}

/**
 * Kinds of field a constructor keyword taken from the request is reported for. Not credentials (a caller
 * sets their own password), not references by themselves (a comment names its post, a player picks a
 * bracket) and not dates (a caller schedules a task).
 */
const EXPLICIT_KINDS = new Set<string>(['privilege', 'ownership', 'money', 'limit', 'state', 'reputation']);

/** Decorators of libraries that hand a view the request's keys (webargs, flask-smorest, flask-pydantic, APIFairy). */
const LIBRARY_INJECTORS = ['use_args', 'use_kwargs', 'arguments', 'validate', 'body'];

const KEY_SET_SINKS = new Set<string>(['setattr', 'constructor', 'dict-update', 'query-update', 'schema-load']);

export function analyze(modules: ModuleIR[], options: AnalysisOptions = {}, errors: ScanError[] = []): Analysis {
  const project = new ProjectIndex(modules);
  const rows = [...builtinRows, ...(options.models ?? [])];
  const connexion = connexionApis(project, options.path);
  const sensitivity = new Sensitivity(options);
  let sqlalchemy!: SqlAlchemyModels;
  let marshmallow!: MarshmallowSchemas;
  let pydantic!: PydanticModels;
  const engine = new Engine(project, [
    () => configuredModel(options.extraSanitizers ?? [], options.extraSinks ?? []),
    () => pythonModel(),
    () => flaskRequestModel(options.extraSources),
    (e) => flaskAppModel(e),
    (e) => sqlalchemyModel((sqlalchemy = new SqlAlchemyModels(e))),
    (e) => marshmallowModel(e, (marshmallow = new MarshmallowSchemas(e, sqlalchemy))),
    (e) => pydanticModel(e, (pydantic = new PydanticModels(e))),
    () => reqparseModel(modules),
    (e) => authUsersModel(e),
    (e) => flaskRestxModel(e),
    (e) => webargsModel(e, marshmallow),
    (e) => flaskSmorestModel(e, marshmallow),
    (e) => apifairyModel(e, marshmallow),
    (e) => flaskPydanticModel(e, pydantic),
    () => connexionModel(connexion),
    (e) => rowsModel(e, rows),
  ]);
  // Only code that reads a request (or is handed one by a decorator) can reach a sink with caller
  // keys; everything it calls is summarised on demand.
  const sources = requestReadPattern([...(options.extraSources ?? []), ...sourceNames(rows)]);
  const readsRequest = (fn: FunctionInfo) => fn.module.entry && sources.test(fn.module.source.slice(fn.def.s, fn.def.e));
  const injectors = new Set([...project.functions.values()].filter((fn) => fn.parent === undefined && readsRequest(fn) && fn.def.body.some((s) => s.t === 'def')).map((fn) => fn.def.name));
  for (const name of LIBRARY_INJECTORS) injectors.add(name);
  const functions = [...project.functions.values()];
  for (const [index, fn] of functions.entries()) {
    options.onAnalysisProgress?.(index + 1, functions.length);
    if (!readsRequest(fn) && !fn.def.decorators.some((d) => injectors.has(simpleName(d))) && !connexion.bodies.has(fn.qname)) continue;
    try {
      engine.summaryOf(fn);
    } catch (error) {
      // one function the engine cannot follow (a bug, or nesting deeper than the stack) costs only its own findings
      errors.push({ path: fn.module.path, message: `could not analyse ${fn.qname}: ${error instanceof RangeError ? 'nesting too deep' : String(error)}` });
    }
  }

  engine.settle();

  const catalog = new ModelCatalog(engine, sqlalchemy, marshmallow, pydantic, sensitivity);
  const contract = inferContract({ project, engine, catalog, marshmallow, pydantic, sensitivity });
  const auth = new AuthResolver(engine, options.apiKeyDecorators);
  const routes: { endpoint: Endpoint; handler: FunctionInfo }[] = [];
  const discovered = [...discoverRoutes(engine), ...connexion.routes];
  for (const route of discovered) {
    for (const rule of fullRule(route)) {
      routes.push({ endpoint: endpointOf(route.methods, rule, route.handler, auth.authOf(route, rule)), handler: route.handler });
    }
  }

  // walking the call graph summarises the callees route discovery met; settle those before reading it
  reachability(routes.map((r) => r.handler), project, (fn) => engine.summaryOf(fn).callees);
  engine.settle();
  const reach = reachability(routes.map((r) => r.handler), project, (fn) => engine.summaryOf(fn).callees);
  const summarised = [...project.functions.values()].filter((fn) => engine.hasSummary(fn));
  const called = new Set<string>();
  for (const fn of summarised) for (const c of engine.summaryOf(fn).callees) called.add(c);

  const findings = new Map<string, Finding>();
  const emit = (record: SinkRecord & { related?: TraceStep[] }, endpoint: Endpoint | null) => {
    const hit = toHit(record, endpoint, catalog, sensitivity, modules);
    if (!hit) return;
    const module = modules.find((m) => m.path === hit.location.path)!;
    const finding = toFinding(hit, contract, fixFor(hit, module.source, module.lineStarts));
    if (!finding) return;
    const key = `${finding.rule}:${finding.path}:${finding.line}:${finding.endpoint?.methods.join(',')}:${finding.endpoint?.rule}:${finding.model}`;
    const existing = findings.get(key);
    if (!existing) {
      findings.set(key, finding);
      return;
    }
    existing.fields = [...new Set([...existing.fields, ...finding.fields])].sort();
    existing.fieldReasons = { ...finding.fieldReasons, ...existing.fieldReasons };
    if (finding.related) existing.related = unionSteps(existing.related ?? [], finding.related);
  };

  const pending: { record: SinkRecord; endpoint: Endpoint | null }[] = [];
  for (const fn of summarised) {
    const summary = engine.summaryOf(fn);
    const records = [...summary.hits];
    // sinks whose target stayed a parameter, in functions nobody calls: the class the parameter is known
    // to hold (an annotation, a decorator's injected instance), else unknown
    if (!called.has(fn.qname)) records.push(...summary.sinks.filter((s) => 'source' in s.fact.origin).map((s) => ({ ...s, target: uncalledTarget(s.target) })));
    if (records.length === 0) continue;
    const endpoints = routes.filter((r) => reach.get(r.handler.qname)?.has(fn.qname)).map((r) => r.endpoint);
    for (const record of records) {
      if (endpoints.length === 0) pending.push({ record, endpoint: null });
      for (const endpoint of endpoints) pending.push({ record, endpoint });
    }
  }

  // a write in a helper that several functions reach with request data: each caller's finding sits at its call
  const callersOfWrite = new Map<string, Set<string>>();
  for (const { record, endpoint } of pending) {
    if (!record.call) continue;
    const hit = toHit(record, endpoint, catalog, sensitivity, modules);
    if (!hit || !toFinding(hit, contract, undefined)) continue;
    const key = writeKey(record);
    callersOfWrite.set(key, (callersOfWrite.get(key) ?? new Set()).add(record.call.functionName));
  }
  const placed = (record: SinkRecord): SinkRecord & { related?: TraceStep[] } => {
    const call = record.call;
    if (!call || (callersOfWrite.get(writeKey(record))?.size ?? 0) < 2) return record;
    const write = traceStep({ path: record.path, offset: (record.at ?? record.node).s, end: record.node.e }, modules);
    return { ...record, path: call.path, node: call.node, at: undefined, sinkText: call.text, functionName: call.functionName, related: [write] };
  };
  for (const { record, endpoint } of pending) emit(placed(record), endpoint);

  // writes a library does for a route, in code the project does not hold (flask-rest-jsonapi's data layer)
  for (const write of jsonapiWrites(engine, marshmallow, discovered)) {
    for (const r of routes) if (r.handler.qname === write.handler) emit(write.record, r.endpoint);
  }

  return {
    findings: [...findings.values()].sort(byFindingPlace),
    routes: routes.map((r) => r.endpoint).sort(byRoutePlace),
    models: catalog.all(),
  };
}

function uncalledTarget(target: SinkRecord['target']): SinkRecord['target'] {
  return target.type === 'param' && target.cls ? { type: 'class', cls: target.cls } : target.type === 'param' ? { type: 'unknown' } : target;
}

function writeKey(record: SinkRecord): string {
  return `${record.kind}:${record.path}:${record.node.s}`;
}

/** `name`, `mod.name` and `name(...)` decorators by their last name. */
function simpleName(expr: Expr): string {
  const target = expr.t === 'call' ? expr.fn : expr;
  return target.t === 'name' ? target.id : target.t === 'attr' ? target.name : '';
}

function endpointOf(methods: string[], rule: string, handler: FunctionInfo, auth: Endpoint['auth']): Endpoint {
  const start = positionOf(handler.module.lineStarts, handler.def.nameOffset);
  return {
    methods,
    rule,
    handler: handler.qname,
    auth,
    location: { path: handler.module.path, line: start.line, column: start.column, endLine: start.line, endColumn: start.column + handler.def.name.length },
  };
}

/** For each route handler, the functions it reaches through calls (itself included). */
function reachability(handlers: FunctionInfo[], project: ProjectIndex, callees: (fn: FunctionInfo) => Set<string>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const fn of handlers) {
    if (out.has(fn.qname)) continue;
    const seen = new Set<string>([fn.qname]);
    const stack = [fn.qname];
    while (stack.length > 0) {
      const next = project.functions.get(stack.pop()!);
      if (!next) continue;
      for (const c of callees(next)) if (!seen.has(c)) { seen.add(c); stack.push(c); }
    }
    out.set(fn.qname, seen);
  }
  return out;
}

function toHit(record: SinkRecord & { related?: TraceStep[] }, endpoint: Endpoint | null, catalog: ModelCatalog, sensitivity: Sensitivity, modules: ModuleIR[]): SinkHit | undefined {
  const module = modules.find((m) => m.path === record.path)!;
  const model = record.target.type === 'class' ? catalog.infoFor(record.target.cls) ?? null : null;
  const start = positionOf(module.lineStarts, (record.at ?? record.node).s);
  const end = positionOf(module.lineStarts, (record.at ?? record.node).e);
  let kind: SinkKind;
  let keys: KeySet;
  let allowlistedOnly: boolean | undefined;
  if (record.kind === 'field-value') {
    // a privilege field anywhere; any sensitive field of the model when a constructor keyword names it
    const explicit = record.at !== undefined && model?.fields.some((f) => f.name === record.field) === true && EXPLICIT_KINDS.has(sensitivity.kindOf(record.field!) ?? '');
    if (record.fact.k !== 'value' || !record.field || !(explicit || sensitivity.isPrivilege(record.field)) || record.fact.check === 'held') return undefined;
    kind = 'privilege-value';
    keys = only([record.field]);
    allowlistedOnly = record.fact.check === 'allowlisted';
  } else if (KEY_SET_SINKS.has(record.kind) && record.fact.k !== 'value') {
    kind = record.kind as SinkKind;
    keys = record.fact.keys;
  } else {
    return undefined;
  }
  return {
    kind,
    bound: record.bound as SinkHit['bound'],
    location: { path: record.path, line: start.line, column: start.column, endLine: end.line, endColumn: end.column },
    ...(record.at ? { sink: spanLocation(record.path, module, record.node) } : {}),
    functionName: record.functionName,
    sinkText: record.sinkText,
    targetText: record.targetText,
    model,
    ...(model && record.target.type === 'class' && record.target.assumed ? { modelAssumed: true } : {}),
    keys,
    ...(record.overwritten ? { overwritten: record.overwritten } : {}),
    field: record.field,
    allowlistedOnly,
    trace: readableTrace(record.fact.trace.map((s) => traceStep(s, modules))),
    endpoint,
    ...(record.related ? { related: record.related } : {}),
  };
}

/** Drops a step that the next one on the same line restates (`data.items()` then `for k, v in data.items()`), keeping the source. */
function readableTrace(steps: TraceStep[]): TraceStep[] {
  return steps.filter((step, i) => {
    const next = steps[i + 1];
    return i === 0 || !next || next.path !== step.path || next.line !== step.line || !next.note.includes(step.note);
  });
}

function traceStep(step: Step, modules: ModuleIR[]): TraceStep {
  const module = modules.find((m) => m.path === step.path);
  const pos = module ? positionOf(module.lineStarts, step.offset) : { line: 1, column: 1 };
  return { path: step.path, line: pos.line, column: pos.column, note: step.note ?? (module ? codeText(module.source, { s: step.offset, e: step.end }) : '') };
}

function toFinding(hit: SinkHit, contract: Contract, fix: Fix | undefined): Finding | undefined {
  const rule = allRules.find((r) => r.claims(hit));
  if (!rule) return undefined;
  const writable = hit.model ? reachable(hit.keys, hit.model.fields.map((f) => f.name).filter((f) => !hit.overwritten?.includes(f))).sort() : [];
  const judged = hit.kind === 'privilege-value' ? contract.judgeValue(hit) : contract.judge(hit, writable);
  const fields = judged.fields;
  const unbounded = hit.keys.kind === 'any' || hit.keys.kind === 'anyBut';
  if (fields.length === 0 && !(unbounded && !hit.model)) return undefined;
  const base: Severity = fields.length === 0 || judged.severity ? 'medium' : hit.endpoint?.auth.kind === 'none' ? 'critical' : 'high';
  // behind an admin-only guard the caller is already trusted with more: one level lower
  const severity: Severity = hit.endpoint?.auth.adminOnly ? ({ critical: 'high', high: 'medium', medium: 'low', low: 'low' } as const)[base] : base;
  return {
    rule: rule.code,
    name: rule.name,
    severity,
    cwe: 'CWE-915',
    owasp: 'API3:2023',
    path: hit.location.path,
    line: hit.location.line,
    column: hit.location.column,
    endLine: hit.location.endLine,
    endColumn: hit.location.endColumn,
    endpoint: hit.endpoint ? { methods: hit.endpoint.methods, rule: hit.endpoint.rule } : null,
    auth: hit.endpoint?.auth ?? { kind: 'none', via: 'no route found for this code' },
    model: hit.model?.name ?? null,
    fields,
    writable,
    keys: { kind: hit.keys.kind === 'none' ? 'only' : hit.keys.kind, names: hit.keys.kind === 'only' || hit.keys.kind === 'anyBut' ? [...hit.keys.keys].sort() : [] },
    trace: hit.trace,
    message: rule.message(hit, fields),
    remediation: rule.remediation(hit, fields),
    ...(fix ? { fix } : {}),
    ...(hit.related ? { related: hit.related } : {}),
    confidence: judged.confidence,
    fieldReasons: judged.fieldReasons,
    fingerprint: fingerprint([rule.code, hit.location.path, hit.functionName, hit.sinkText, fields.join(','), describeKeySet(hit.keys)]),
  };
}

function fingerprint(parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

/** Two lists of places as one, each place once, in file and line order. */
function unionSteps(a: TraceStep[], b: TraceStep[]): TraceStep[] {
  const byPlace = new Map([...a, ...b].map((s) => [`${s.path}:${s.line}:${s.column}`, s]));
  return [...byPlace.values()].sort((x, y) => x.path.localeCompare(y.path) || x.line - y.line || x.column - y.column);
}

/** A span of a module as a 1-based location. */
function spanLocation(path: string, module: ModuleIR, span: { s: number; e: number }): Location {
  const start = positionOf(module.lineStarts, span.s);
  const end = positionOf(module.lineStarts, span.e);
  return { path, line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
}
