// The model catalog: every class a finding can name (SQLAlchemy models, marshmallow and pydantic
// schemas, plain classes) with its fields and their sensitivity.
import type { Engine } from '../dataflow/engine.js';
import type { MarshmallowSchemas } from '../frameworks/marshmallow.js';
import type { PydanticModels } from '../frameworks/pydantic.js';
import type { SqlAlchemyModels } from '../frameworks/sqlalchemy.js';
import { positionOf } from '../python/positions.js';
import type { Stmt } from '../python/ir.js';
import type { Location, ModelField, ModelInfo } from '../result.js';
import type { ClassInfo } from '../semantic/project.js';
import { childBodies } from '../semantic/project.js';
import type { Sensitivity } from './sensitivity.js';

export class ModelCatalog {
  private readonly cache = new Map<string, ModelInfo | null>();

  constructor(
    private readonly engine: Engine,
    private readonly sqlalchemy: SqlAlchemyModels,
    private readonly marshmallow: MarshmallowSchemas,
    private readonly pydantic: PydanticModels,
    private readonly sensitivity: Sensitivity,
  ) {}

  infoFor(qname: string): ModelInfo | undefined {
    if (this.cache.has(qname)) return this.cache.get(qname) ?? undefined;
    const cls = this.engine.project.classes.get(qname);
    const info = cls ? this.describe(cls) : undefined;
    this.cache.set(qname, info ?? null);
    return info;
  }

  /** Models and schemas declared in the project, for the result's model list. */
  all(): ModelInfo[] {
    const out: ModelInfo[] = [];
    for (const cls of this.engine.project.classes.values()) {
      if (this.sqlalchemy.isModel(cls) || this.marshmallow.shapeOf(cls) || this.pydantic.shapeOf(cls)) {
        const info = this.infoFor(cls.qname);
        if (info) out.push(info);
      }
    }
    return out;
  }

  private describe(cls: ClassInfo): ModelInfo | undefined {
    const base = { name: cls.def.name, qualifiedName: cls.qname, location: locationOf(cls) };
    if (this.sqlalchemy.isModel(cls)) {
      // relationships take objects, not the JSON a caller sends: they are not fields a body can set
      const fields = this.sqlalchemy.columns(cls).filter((c) => !c.relationship).map((c) => this.field(c.name, { primaryKey: c.primaryKey, foreignKey: c.foreignKey }));
      return { ...base, kind: 'sqlalchemy', fields };
    }
    const schema = this.marshmallow.shapeOf(cls);
    if (schema) return { ...base, kind: 'marshmallow', fields: [...schema.loadable].map((n) => this.field(n)) };
    const pyd = this.pydantic.shapeOf(cls);
    if (pyd) return { ...base, kind: 'pydantic', fields: pyd.fields.map((n) => this.field(n)) };
    const names = plainClassFields(cls);
    return names.size > 0 ? { ...base, kind: 'class', fields: [...names].map((n) => this.field(n)) } : undefined;
  }

  private field(name: string, facts: { primaryKey?: boolean; foreignKey?: string } = {}): ModelField {
    const sensitive = this.sensitivity.classify(name, facts);
    return {
      name,
      ...(sensitive ? { sensitive } : {}),
      ...(facts.primaryKey ? { primaryKey: true } : {}),
      ...(facts.foreignKey ? { foreignKey: facts.foreignKey } : {}),
    };
  }
}

/** Class-level names and `self.name = ...` in methods: the attributes of a plain class. */
function plainClassFields(cls: ClassInfo): Set<string> {
  const out = new Set<string>();
  for (const stmt of cls.def.body) {
    if (stmt.t === 'assign') for (const t of stmt.targets) if (t.t === 'name' && !t.id.startsWith('_')) out.add(t.id);
    if (stmt.t === 'annotated' && stmt.target.t === 'name') out.add(stmt.target.id);
  }
  for (const method of cls.methods.values()) collectSelfAssignments(method.def.body, method.def.params[0]?.name ?? 'self', out);
  return out;
}

function collectSelfAssignments(body: Stmt[], self: string, out: Set<string>): void {
  for (const stmt of body) {
    if (stmt.t === 'assign') {
      for (const t of stmt.targets) if (t.t === 'attr' && t.obj.t === 'name' && t.obj.id === self && !t.name.startsWith('_')) out.add(t.name);
    }
    for (const child of childBodies(stmt)) collectSelfAssignments(child, self, out);
  }
}

function locationOf(cls: { module: { path: string; lineStarts: number[] }; def: { nameOffset: number; name: string } }): Location {
  const start = positionOf(cls.module.lineStarts, cls.def.nameOffset);
  return { path: cls.module.path, line: start.line, column: start.column, endLine: start.line, endColumn: start.column + cls.def.name.length };
}
