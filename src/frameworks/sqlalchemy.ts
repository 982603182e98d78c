// SQLAlchemy and Flask-SQLAlchemy: which classes are models and their columns, what queries return,
// and the writes that take caller keys (Model(**data), query.update(data), update(M).values(**data)).
import { ofKind, obj, type Fact, type TaintFact, type Value } from '../dataflow/facts.js';
import type { Engine } from '../dataflow/engine.js';
import type { CallSite, LibraryModel } from '../dataflow/library.js';
import type { Arg, ClassDef, Expr, Stmt } from '../python/ir.js';
import { childBodies, type ClassInfo } from '../semantic/project.js';
import { classesOf, derivesFrom, externalPaths, lastName, tagged } from './access.js';

const MODEL_BASE = /(SQLAlchemy\(\)\.Model|declarative_base\(\)|generate_base\(\)|\.DeclarativeBase(NoMeta)?|\.DeclarativeBase\(\)|as_declarative\(\)|SQLModel)$/;
const COLUMN = /(^|\.)(Column|mapped_column|column_property|composite|deferred)$/;
const RELATIONSHIP = /(^|\.)(relationship|relation|backref|association_proxy)$/;
const QUERY_CHAIN = new Set(['filter', 'filter_by', 'order_by', 'limit', 'offset', 'join', 'outerjoin', 'options', 'where', 'with_for_update', 'distinct', 'group_by', 'having', 'execution_options', 'populate_existing', 'select_from', 'returning']);
const INSTANCE_GETTERS = new Set(['first', 'one', 'one_or_none', 'get', 'get_or_404', 'first_or_404', 'one_or_404', 'scalar', 'scalar_one', 'scalar_one_or_none', 'all', 'paginate', 'scalars', 'unique']);

const QUERY = 'sqlalchemy.query';
const STATEMENT = 'sqlalchemy.write-statement';

export interface Column {
  name: string;
  primaryKey: boolean;
  foreignKey?: string;
  relationship: boolean;
  offset: number;
}

export class SqlAlchemyModels {
  private readonly modelCache = new Map<string, boolean>();
  private readonly columnCache = new Map<string, Column[]>();

  constructor(private readonly engine: Engine) {}

  isModel(cls: ClassInfo): boolean {
    let known = this.modelCache.get(cls.qname);
    if (known === undefined) {
      known = derivesFrom(this.engine, cls, (p) => MODEL_BASE.test(p)) && !isAbstract(cls.def);
      this.modelCache.set(cls.qname, known);
    }
    return known;
  }

  /** Columns and relationships declared on the class and its project bases (mixins included). */
  columns(cls: ClassInfo, seen = new Set<string>()): Column[] {
    const cached = this.columnCache.get(cls.qname);
    if (cached) return cached;
    if (seen.has(cls.qname)) return [];
    seen.add(cls.qname);
    const own = new Map<string, Column>();
    for (const base of this.baseClasses(cls)) for (const c of this.columns(base, seen)) own.set(c.name, c);
    for (const stmt of classBodyStatements(cls.def.body)) {
      for (const column of this.tableColumns(cls, stmt)) own.set(column.name, column);
      const column = this.columnOf(cls, stmt);
      if (column) own.set(column.name, column);
    }
    const out = [...own.values()];
    this.columnCache.set(cls.qname, out);
    return out;
  }

  private baseClasses(cls: ClassInfo): ClassInfo[] {
    return cls.def.bases
      .filter((b) => !b.name)
      .flatMap((b) => classesOf(this.engine.evaluateInModule(cls.module.name, b.value)))
      .flatMap((q) => this.engine.project.classes.get(q) ?? []);
  }

  private columnOf(cls: ClassInfo, stmt: Stmt): Column | undefined {
    const target = stmt.t === 'assign' ? stmt.targets[0] : stmt.t === 'annotated' ? stmt.target : undefined;
    if (!target || target.t !== 'name' || target.id.startsWith('__')) return undefined;
    const annotation = stmt.t === 'assign' ? stmt.annotation : stmt.t === 'annotated' ? stmt.annotation : undefined;
    const value = stmt.t === 'assign' ? stmt.value : undefined;
    const call = value?.t === 'call' ? value : undefined;
    const calleePath = call ? this.calleeName(cls, call.fn) : '';
    const mapped = annotation !== undefined && /(^|\.)Mapped\b/.test(this.text(cls, annotation));
    if (RELATIONSHIP.test(calleePath)) return { name: target.id, primaryKey: false, relationship: true, offset: target.s };
    if (!COLUMN.test(calleePath) && !(mapped && !call)) return undefined;
    return { name: target.id, ...this.columnFacts(cls, call?.args ?? []), relationship: false, offset: target.s };
  }

  /** `__table__ = Table("name", metadata, Column("id", Integer, primary_key=True), ...)`: the table's named columns. */
  private tableColumns(cls: ClassInfo, stmt: Stmt): Column[] {
    if (stmt.t !== 'assign' || !stmt.targets.some((t) => t.t === 'name' && t.id === '__table__') || stmt.value.t !== 'call') return [];
    const out: Column[] = [];
    for (const arg of stmt.value.args) {
      const call = arg.value.t === 'call' ? arg.value : undefined;
      const name = call?.args[0]?.value;
      if (!call || name?.t !== 'str' || !/(^|\.)Column$/.test(this.calleeName(cls, call.fn))) continue;
      out.push({ name: name.v, ...this.columnFacts(cls, call.args), relationship: false, offset: name.s });
    }
    return out;
  }

  private columnFacts(cls: ClassInfo, args: Arg[]): { primaryKey: boolean; foreignKey?: string } {
    const primaryKey = args.some((a) => a.name === 'primary_key' && a.value.t === 'const' && a.value.v === 'True');
    const fkArg = args.find((a) => a.value.t === 'call' && /ForeignKey$/.test(this.calleeName(cls, a.value.fn)));
    const foreignKey = fkArg && fkArg.value.t === 'call' && fkArg.value.args[0]?.value.t === 'str' ? fkArg.value.args[0].value.v : fkArg ? '?' : undefined;
    return { primaryKey, foreignKey };
  }

  private calleeName(cls: ClassInfo, fn: Expr): string {
    const paths = externalPaths(this.engine.evaluateInModule(cls.module.name, fn));
    return paths[0] ?? (fn.t === 'name' ? fn.id : fn.t === 'attr' ? fn.name : '');
  }

  private text(cls: ClassInfo, expr: Expr): string {
    return cls.module.source.slice(expr.s, expr.e);
  }

  /** The model a value is (a class) or holds (an instance): its classes first. Asked of most calls' arguments. */
  modelOf(value: Value): ClassInfo | undefined {
    return this.modelAmong(value, 'class') ?? this.modelAmong(value, 'instance');
  }

  /** The first of a value's classes (or instances) that is a model. */
  modelAmong(value: Value, type: 'class' | 'instance'): ClassInfo | undefined {
    for (const f of value) {
      if (f.k !== 'object' || f.ref.type !== type) continue;
      const cls = this.engine.project.classes.get(f.ref.cls);
      if (cls && this.isModel(cls)) return cls;
    }
    return undefined;
  }
}

/** A class body's statements, with those under `if` / `try` (columns declared conditionally). */
function classBodyStatements(body: Stmt[]): Stmt[] {
  return body.flatMap((stmt) => [stmt, ...childBodies(stmt).flatMap(classBodyStatements)]);
}

function isAbstract(def: ClassDef): boolean {
  return def.body.some((s) => s.t === 'assign' && s.targets.some((t) => t.t === 'name' && t.id === '__abstract__') && s.value.t === 'const' && s.value.v === 'True');
}

export function sqlalchemyModel(models: SqlAlchemyModels): LibraryModel {
  return {
    name: 'sqlalchemy',
    classAttribute(cls, name) {
      if (name === 'query' && models.isModel(cls)) return [obj({ type: 'tagged', tag: QUERY, cls: cls.qname })];
      return undefined;
    },
    iterate(ref) {
      return ref.type === 'tagged' && ref.tag === QUERY && ref.cls ? [obj({ type: 'instance', cls: ref.cls })] : undefined;
    },
    call(site) {
      const constructed = models.modelAmong(site.callee, 'class');
      if (constructed) return construct(site, constructed);
      if (isClassParameter(site.callee)) {
        // `cls(**kwargs)` in a classmethod of a mixin: the caller's class decides the model
        const facts = site.spread.flatMap((v) => ofKind(v, 'map'));
        if (facts.length > 0) site.report({ kind: 'constructor', facts, target: site.callee, node: site.expr, targetNode: site.expr.fn });
      }
      const receiverQueries = site.receiver ? tagged(site.receiver, QUERY) : [];
      const method = site.method ?? '';
      if (receiverQueries.length > 0) {
        const cls = receiverQueries[0]!.cls!;
        if (QUERY_CHAIN.has(method)) return [obj({ type: 'tagged', tag: QUERY, cls })];
        if (INSTANCE_GETTERS.has(method)) return [obj({ type: 'instance', cls })];
        if (method === 'update') {
          reportWrite(site, [obj({ type: 'class', cls })], site.args[0] ?? []);
          return [];
        }
        if (method === 'delete' || method === 'count') return [];
      }
      const statements = site.receiver ? tagged(site.receiver, STATEMENT) : [];
      if (statements.length > 0) {
        const cls = statements[0]!.cls!;
        if (method === 'values') {
          reportWrite(site, [obj({ type: 'class', cls })], ...site.args, ...site.spread, kwargsAsMaps(site));
          return statements.map((s) => obj(s));
        }
        if (QUERY_CHAIN.has(method)) return statements.map((s) => obj(s));
      }
      // session.query(M), select(M), update(M), insert(M), session.get(M, id), db.get_or_404(M, id)
      const firstModel = site.args[0] ? models.modelOf(site.args[0]) : undefined;
      if (firstModel) {
        const name = site.method ?? lastName(externalPaths(site.callee)[0] ?? '');
        if (name === 'query' || name === 'select') return [obj({ type: 'tagged', tag: QUERY, cls: firstModel.qname })];
        if (name === 'update' || name === 'insert') return [obj({ type: 'tagged', tag: STATEMENT, cls: firstModel.qname })];
        if (/^(get|get_or_404|merge)$/.test(name)) return [obj({ type: 'instance', cls: firstModel.qname })];
      }
      // session.execute(select(M)).scalar_one(), db.session.scalars(...), db.first_or_404(select(M))
      const queryArg = site.args[0] ? tagged(site.args[0], QUERY) : [];
      if (queryArg.length > 0) {
        const name = site.method ?? lastName(externalPaths(site.callee)[0] ?? '');
        if (name === 'execute' || name === 'scalars') return [obj({ type: 'tagged', tag: QUERY, cls: queryArg[0]!.cls })];
        if (/^(scalar|first_or_404|one_or_404|get_or_404)$/.test(name)) return [obj({ type: 'instance', cls: queryArg[0]!.cls! })];
      }
      const statementArg = site.args[0] ? tagged(site.args[0], STATEMENT) : [];
      if (statementArg.length > 0 && site.method === 'execute') return [];
      return undefined;
    },
  };

  /** `Model(**data)` and `cls(**data)`: the mapped constructor sets every keyword as an attribute. */
  function construct(site: CallSite, cls: ClassInfo): Value | undefined {
    const custom = cls.methods.get('__init__');
    const takesKwargs = !custom || custom.def.params.some((p) => p.kind === 'kwargs');
    if (takesKwargs) {
      const facts = site.spread.flatMap((v) => ofKind(v, 'map'));
      if (facts.length > 0) site.report({ kind: 'constructor', facts, target: site.callee, node: site.expr, targetNode: site.expr.fn });
    }
    // a custom __init__ without **kwargs decides itself which keywords become fields (its summary reports them)
    for (const [field, value] of takesKwargs ? site.kwargs : []) {
      const values = ofKind(value, 'value');
      // the finding sits on the keyword's own line, not the first line of a multi-line call
      const keyword = site.expr.args.find((a) => a.name === field)?.value;
      if (values.length > 0) site.report({ kind: 'field-value', facts: values, target: site.callee, node: site.expr, at: keyword, targetNode: site.expr.fn, field });
    }
    return undefined;
  }
}

function isClassParameter(value: Value): boolean {
  return value.some((f) => f.k === 'object' && f.ref.type === 'param') && value.some((f) => f.k === 'object' && f.ref.type === 'class');
}

function reportWrite(site: CallSite, target: Value, ...values: Value[]): void {
  const facts: TaintFact[] = values.flatMap((v) => ofKind(v, 'map'));
  if (facts.length > 0) site.report({ kind: 'query-update', facts, target, node: site.expr, targetNode: site.receiverExpr });
}

/** `.values(name=data['name'])`: each keyword with a caller value is a key the caller fills. */
function kwargsAsMaps(site: CallSite): Value {
  const out: Fact[] = [];
  for (const [name, value] of site.kwargs) {
    for (const v of ofKind(value, 'value')) out.push({ k: 'map', origin: v.origin, keys: { kind: 'only', keys: new Set([name]) }, trace: v.trace });
  }
  return out;
}
