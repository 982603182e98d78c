// Collects what the project's own code says of each model field: values the server assigns, columns that scope
// queries to the caller, explicit client writes, allowlists and denylists, schema dump_only fields, admin-only writers.
import type { Expr, FunctionDef, ModuleIR, Stmt } from '../python/ir.js';
import { positionOf } from '../python/positions.js';
import { childBodies, type ClassInfo, type ProjectIndex } from '../semantic/project.js';
import { Origins, ORIGIN_WORDS, returnsPrincipal, SERVER_ORIGINS, WEAK_ORIGINS, type Origin } from './origin.js';
import { forEachExpr } from '../python/walk.js';

export type EvidenceKind = 'assigned' | 'scoped' | 'schema' | 'list' | 'openapi';

export interface Evidence {
  model: string;
  field: string;
  owner: 'server' | 'client';
  kind: EvidenceKind;
  /** For assignments: where the value came from. */
  origin?: Origin;
  /** The write sits in an endpoint only administrators may call. */
  adminOnly?: boolean;
  text: string;
  path: string;
  line: number;
}

/** What the evidence pass needs to know of models: which class an expression names, and each model's fields. */
export interface ModelLookup {
  /** The qualified name of the model an expression names in its module (`Invoice`, `models.Invoice`). */
  modelNamed(module: ModuleIR, expr: Expr): string | undefined;
  /** Field names of a model. */
  fieldsOf(model: string): ReadonlySet<string>;
  /** Every model's qualified name. */
  models(): string[];
}

/** Code that is not the application: tests, fixtures, migrations and seed scripts set values no client path does. */
const NOT_APPLICATION = /(^|\/)(tests?|testing|migrations|alembic|fixtures|seeds?|scripts)\/|(^|\/)(test_[^/]*|[^/]*_test|conftest|seed[^/]*|populate[^/]*|fake[^/]*)\.py$/;
const ADMIN_DECORATOR = /admin|superuser|staff|roles?_(required|accepted)|permission_required|require_role|requires_role/i;
const ADMIN_CHECK = /\b(is_admin|is_superuser|is_staff|admin)\b|role\s*(!=|==|not in|in)/;
const MODEL_GETTERS = new Set(['query', 'get', 'get_or_404', 'first_or_404', 'one_or_404', 'select', 'execute', 'scalars', 'scalar', 'session_get']);
/** `Model.create(name=...)` and `record.update(name=...)`: the CRUD-mixin spellings of a constructor and of attribute writes. */
const CREATE_METHODS = new Set(['create', 'get_or_create', 'new', 'build', 'create_or_update']);
const UPDATE_METHODS = new Set(['update', 'set', 'patch', 'assign', 'update_fields']);
const ALLOW_NAME = /allow|permit|editable|updatable|updateable|writable|writeable|mutable|whitelist|safe_fields|client_fields|accepted|user_fields|public_fields|input_fields|create_fields|update_fields/i;
const DENY_NAME = /deny|block|forbid|protect|read_?only|immutable|blacklist|private|internal|server_|restricted|exclude|sensitive|reserved|hidden/i;
const INPUT_SCHEMA = /(Create|Update|Input|In|Request|Payload|Patch|Write|Edit|New|Register|Signup|SignUp|Load)(Schema|Model|Body|Form)?$/;

export class EvidenceCollector {
  readonly evidence: Evidence[] = [];
  /** Models a schema of the app describes: their client contract is that schema, not the explicit writes alone. */
  readonly described = new Set<string>();
  private readonly principalCache = new Map<string, boolean>();
  private readonly functionsByName = new Map<string, FunctionDef[]>();
  private readonly modelWords = new Map<ModuleIR, RegExp>();
  /** The models' class names, as code names them. */
  private readonly modelNames: Set<string>;

  constructor(private readonly project: ProjectIndex, private readonly lookup: ModelLookup) {
    this.modelNames = new Set(lookup.models().map((q) => q.slice(q.lastIndexOf('.') + 1)));
  }

  /** Walks the given modules (their whole bodies: functions, methods, module code). */
  collect(modules: ModuleIR[]): Evidence[] {
    for (const module of modules) this.indexFunctions(module.body);
    for (const module of modules) {
      this.project.load(module);
      this.walkBody(module, module.body, undefined);
      this.constantLists(module, module.body, undefined);
    }
    return this.evidence;
  }

  private indexFunctions(body: Stmt[]): void {
    for (const stmt of body) {
      if (stmt.t === 'def') {
        const list = this.functionsByName.get(stmt.fn.name) ?? [];
        list.push(stmt.fn);
        this.functionsByName.set(stmt.fn.name, list);
      } else if (stmt.t === 'class') this.indexFunctions(stmt.cls.body);
      else for (const child of childBodies(stmt)) this.indexFunctions(child);
    }
  }

  /** A project function (by name) that returns the caller's identity, e.g. `def current_tenant(): return g.tenant`. */
  private readonly isPrincipalFunction = (name: string): boolean => {
    const known = this.principalCache.get(name);
    if (known !== undefined) return known;
    this.principalCache.set(name, false);
    const result = (this.functionsByName.get(name) ?? []).some((fn) => returnsPrincipal(fn, this.isPrincipalFunction));
    this.principalCache.set(name, result);
    return result;
  };

  private walkBody(module: ModuleIR, body: Stmt[], selfModel: string | undefined): void {
    for (const stmt of body) {
      if (stmt.t === 'def') this.walkFunction(module, stmt.fn, selfModel);
      else if (stmt.t === 'class') this.walkClass(module, stmt);
      else for (const child of childBodies(stmt)) this.walkBody(module, child, selfModel);
    }
  }

  private walkClass(module: ModuleIR, stmt: Extract<Stmt, { t: 'class' }>): void {
    const info = this.project.definitions.get(stmt) as ClassInfo | undefined;
    const model = info && this.lookup.models().includes(info.qname) ? info.qname : undefined;
    this.constantLists(module, stmt.cls.body, model);
    this.walkBody(module, stmt.cls.body, model);
  }

  /**
   * Whether a function's text names a model (by its class name, or a name the module imports it as): the only
   * way its code can write or scope one, but through `self` in a model's method.
   */
  private namesModel(module: ModuleIR, fn: FunctionDef): boolean {
    let words = this.modelWords.get(module);
    if (!words) {
      const aliases = module.body.flatMap((s) => (s.t === 'import' ? s.bindings.filter((b) => b.member && this.modelNames.has(b.member)).map((b) => b.local) : []));
      const names = [...this.modelNames, ...aliases].filter((n) => /^\w+$/.test(n));
      this.modelWords.set(module, (words = names.length > 0 ? new RegExp(`\\b(?:${names.join('|')})\\b`) : /(?!)/));
    }
    return words.test(module.source.slice(fn.s, fn.e));
  }

  private walkFunction(module: ModuleIR, fn: FunctionDef, selfModel: string | undefined): void {
    // a function that names no model writes none: its body (and what it defines) is left unread
    if (!selfModel && !this.namesModel(module, fn)) return;
    const origins = new Origins(fn, this.isPrincipalFunction);
    const locals = this.modelLocals(module, fn, selfModel);
    const adminOnly = isAdminOnly(module, fn);
    // a constant or derived value counts beside the client's own writes to the same model (a default on create),
    // not in a seed or setup function that writes nothing from the request
    const weak: Evidence[] = [];
    const clientModels = new Set<string>();
    const modelOf = (expr: Expr): string | undefined => {
      if (expr.t === 'name' && locals.has(expr.id)) return locals.get(expr.id);
      return undefined;
    };
    const at = (node: { s: number }) => ({ path: module.path, line: positionOf(module.lineStarts, node.s).line });
    const record = (model: string, field: string, origin: Origin, node: { s: number }) => {
      if (!this.lookup.fieldsOf(model).has(field)) return;
      if (origin === 'request') {
        clientModels.add(model);
        this.add({ model, field, owner: 'client', kind: 'assigned', origin, adminOnly, text: adminOnly ? `written from the request only by the admin-only ${fn.name}` : 'written from the request', ...at(node) });
      } else if (SERVER_ORIGINS.has(origin)) {
        const e: Evidence = { model, field, owner: 'server', kind: 'assigned', origin, text: `set by the server from ${ORIGIN_WORDS[origin]}`, ...at(node) };
        // a model's own method computing a field from its state (a counter, a total) is server logic
        if (WEAK_ORIGINS.has(origin) && !(selfModel && origin === 'computed')) weak.push(e);
        else this.add(e);
      }
    };
    forEachExpr(fn.body, (expr, stmt) => {
      if (expr.t === 'call') {
        const model = this.lookup.modelNamed(module, expr.fn)
          ?? (expr.fn.t === 'attr' && CREATE_METHODS.has(expr.fn.name) ? this.lookup.modelNamed(module, expr.fn.obj) : undefined)
          ?? (expr.fn.t === 'attr' && UPDATE_METHODS.has(expr.fn.name) ? modelOf(expr.fn.obj) : undefined);
        if (model) for (const arg of expr.args) if (arg.name) record(model, arg.name, origins.of(arg.value), arg.value);
        if (expr.fn.t === 'attr' && expr.fn.name === 'filter_by') {
          const scoped = this.chainModel(module, expr.fn.obj, modelOf);
          if (scoped) for (const arg of expr.args) if (arg.name) this.scope(scoped, arg.name, origins.of(arg.value), at(arg.value));
        }
      } else if (expr.t === 'cmp' && (expr.op === '==' || expr.op === '!=' || expr.op === 'is' || expr.op === 'in')) {
        for (const [column, value] of [[expr.left, expr.right], [expr.right, expr.left]] as const) {
          if (column.t !== 'attr') continue;
          const model = this.lookup.modelNamed(module, column.obj) ?? modelOf(column.obj);
          if (model) this.scope(model, column.name, origins.of(value), at(column));
        }
      }
      if (stmt.t === 'assign' && expr === stmt.value) {
        for (const target of stmt.targets) {
          if (target.t !== 'attr') continue;
          const model = modelOf(target.obj);
          if (model) record(model, target.name, origins.of(stmt.value), target);
        }
      }
    });
    for (const e of weak) if (clientModels.has(e.model)) this.add(e);
    this.walkBody(module, fn.body, undefined);
  }

  /** A column compared with, or filtered by, the caller's identity scopes records to their owner. */
  private scope(model: string, field: string, origin: Origin, where: { path: string; line: number }): void {
    if (!this.lookup.fieldsOf(model).has(field)) return;
    if (origin === 'principal') this.add({ model, field, owner: 'server', kind: 'scoped', text: "scopes records to the caller's identity", ...where });
    else if (/_id$/.test(field) && origin === 'unknown') this.add({ model, field, owner: 'server', kind: 'scoped', text: 'scopes queries to a parent record', ...where });
  }

  /** Local names holding a model instance: `x = Model(...)`, `x = Model.query...first()`, `db.session.get(Model, id)`, `x: Model`, `self`. */
  private modelLocals(module: ModuleIR, fn: FunctionDef, selfModel: string | undefined): Map<string, string> {
    const out = new Map<string, string>();
    if (selfModel && fn.params[0]) out.set(fn.params[0].name, selfModel);
    for (const p of fn.params) {
      const model = p.annotation && this.lookup.modelNamed(module, p.annotation);
      if (model) out.set(p.name, model);
    }
    const visit = (body: Stmt[]) => {
      for (const stmt of body) {
        if (stmt.t === 'assign') {
          const model = this.chainModel(module, stmt.value, (e) => (e.t === 'name' ? out.get(e.id) : undefined));
          for (const t of stmt.targets) if (t.t === 'name' && model) out.set(t.id, model);
        }
        if (stmt.t === 'for' && stmt.target.t === 'name') {
          const model = this.chainModel(module, stmt.iter, (e) => (e.t === 'name' ? out.get(e.id) : undefined));
          if (model) out.set(stmt.target.id, model);
        }
        for (const child of childBodies(stmt)) visit(child);
      }
    };
    visit(fn.body);
    return out;
  }

  /** The model a value is an instance (or query) of, down the spine of a call chain: `M(...)`, `M.query.filter(...).first()`, `session.get(M, id)`. */
  private chainModel(module: ModuleIR, expr: Expr, local: (e: Expr) => string | undefined): string | undefined {
    let node: Expr | undefined = expr;
    while (node) {
      const direct = this.lookup.modelNamed(module, node) ?? local(node);
      if (direct) return direct;
      if (node.t === 'call') {
        const name = node.fn.t === 'attr' ? node.fn.name : node.fn.t === 'name' ? node.fn.id : '';
        const first = node.args.find((a) => !a.name && !a.star);
        if (first && (MODEL_GETTERS.has(name) || name === 'get_or_404')) {
          const inner = this.chainModel(module, first.value, local);
          if (inner) return inner;
        }
        node = node.fn.t === 'attr' ? node.fn.obj : node.fn.t === 'call' ? node.fn : undefined;
      } else if (node.t === 'attr') node = node.obj;
      else if (node.t === 'sub') node = node.obj;
      else node = undefined;
    }
    return undefined;
  }

  /** `ALLOWED_FIELDS = {"name", "email"}` and `READ_ONLY = (...)`: the app's own lists of what a client may or may not send. */
  private constantLists(module: ModuleIR, body: Stmt[], owner: string | undefined): void {
    for (const stmt of body) {
      if (stmt.t !== 'assign' || stmt.targets[0]?.t !== 'name') continue;
      const name = stmt.targets[0].id;
      const names = stringItems(stmt.value);
      if (!names || names.length === 0) continue;
      const allow = ALLOW_NAME.test(name);
      const deny = !allow && DENY_NAME.test(name);
      if (!allow && !deny) continue;
      const model = owner ?? this.listModel(name, names);
      if (!model) continue;
      const line = positionOf(module.lineStarts, stmt.s).line;
      for (const field of names) {
        if (!this.lookup.fieldsOf(model).has(field)) continue;
        this.add(allow
          ? { model, field, owner: 'client', kind: 'list', text: `in the allowlist ${name}`, path: module.path, line }
          : { model, field, owner: 'server', kind: 'list', text: `listed in ${name}`, path: module.path, line });
      }
    }
  }

  /** The model a list is about: named in it (`USER_EDITABLE`), else the only model holding every listed field. */
  private listModel(listName: string, names: string[]): string | undefined {
    const squash = (s: string) => s.toLowerCase().replace(/_/g, '');
    const named = this.lookup.models().filter((m) => squash(listName).includes(squash(m.split('.').pop()!)));
    if (named.length === 1) return named[0];
    const holding = this.lookup.models().filter((m) => names.every((n) => this.lookup.fieldsOf(m).has(n)));
    return holding.length === 1 ? holding[0] : undefined;
  }

  /** marshmallow and pydantic classes: `dump_only` and `Meta.dump_only`/`exclude` are the server's; an input schema's fields are the client's. */
  schemaEvidence(cls: ClassInfo, model: string, declared: { name: string; dumpOnly: boolean }[], metaServer: { list: string; names: string[] }[], loaded: boolean): void {
    const line = positionOf(cls.module.lineStarts, cls.def.nameOffset).line;
    const where = { path: cls.module.path, line };
    if (!isApplicationCode(cls.module.path)) return;
    if (loaded) this.described.add(model);
    const fields = this.lookup.fieldsOf(model);
    for (const d of declared) {
      if (!fields.has(d.name)) continue;
      if (d.dumpOnly) this.add({ model, field: d.name, owner: 'server', kind: 'schema', text: `dump_only in ${cls.def.name}`, ...where });
      else if (INPUT_SCHEMA.test(cls.def.name)) this.add({ model, field: d.name, owner: 'client', kind: 'schema', text: `loaded by the input schema ${cls.def.name}`, ...where });
    }
    for (const { list, names } of metaServer) {
      for (const n of names) if (fields.has(n)) this.add({ model, field: n, owner: 'server', kind: 'schema', text: `${list} in ${cls.def.name}`, ...where });
    }
  }

  /** `readOnly: true` properties of an OpenAPI schema named like a model. */
  openapiEvidence(model: string, field: string, schemaName: string, path: string, line: number): void {
    if (this.lookup.fieldsOf(model).has(field)) this.add({ model, field, owner: 'server', kind: 'openapi', text: `readOnly in the OpenAPI schema ${schemaName}`, path, line });
  }

  private add(e: Evidence): void {
    this.evidence.push(e);
  }
}

/** Tests, fixtures, migrations and seed scripts are not the application: what they set says nothing of the contract. */
export function isApplicationCode(path: string): boolean {
  return !NOT_APPLICATION.test(path);
}

/** An endpoint only administrators reach: an admin decorator, or an admin check that ends it early. */
export function isAdminOnly(module: ModuleIR, fn: FunctionDef): boolean {
  if (fn.decorators.some((d) => { const callee = d.t === 'call' ? d.fn : d; return ADMIN_DECORATOR.test(module.source.slice(callee.s, callee.e)); })) return true;
  return fn.body.slice(0, 4).some((stmt) => stmt.t === 'if' && ADMIN_CHECK.test(module.source.slice(stmt.test.s, stmt.test.e)) && stmt.body.some((s) => s.t === 'raise' || s.t === 'return' || (s.t === 'expr' && s.value.t === 'call' && /abort/.test(module.source.slice(s.value.s, s.value.e)))));
}

/** The strings of a constant list, tuple, set or frozenset of strings. */
export function stringItems(expr: Expr): string[] | undefined {
  if (expr.t === 'call' && expr.fn.t === 'name' && /^(frozenset|set|tuple|list)$/.test(expr.fn.id) && expr.args[0]) return stringItems(expr.args[0].value);
  if (expr.t !== 'seq') return undefined;
  const out: string[] = [];
  for (const item of expr.items) {
    if (item.t !== 'str') return undefined;
    out.push(item.v);
  }
  return out;
}
