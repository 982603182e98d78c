// The field contract: for each model, which fields the application itself treats as the server's and which its
// explicit paths let clients write, inferred once per scan from the whole project; then, for a write, which of its
// writable fields lie beyond that contract, each with its reasons, and how sure the finding is.
import type { Engine } from '../dataflow/engine.js';
import { classesOf } from '../frameworks/access.js';
import type { MarshmallowSchemas } from '../frameworks/marshmallow.js';
import type { PydanticModels } from '../frameworks/pydantic.js';
import type { Expr, ModuleIR } from '../python/ir.js';
import type { Confidence, FieldContract, FieldReason, ModelField, ModelInfo, SensitivityCategory } from '../result.js';
import type { ClassInfo, ProjectIndex } from '../semantic/project.js';
import { confidenceOf, type FieldEvidence } from '../analysis/confidence.js';
import type { SinkHit } from '../analysis/hits.js';
import { isPasswordInput, KIND_WORDS, looksLikePrimaryKey, type FieldKind, type Sensitivity } from '../analysis/sensitivity.js';
import { WEAK_ORIGINS } from './origin.js';
import { EvidenceCollector, isAdminOnly, isApplicationCode, stringItems, type Evidence, type ModelLookup } from './evidence.js';
import { openapiReadOnly } from './openapi.js';

export interface ContractInputs {
  project: ProjectIndex;
  engine: Engine;
  catalog: { infoFor(qname: string): ModelInfo | undefined; all(): ModelInfo[] };
  marshmallow: MarshmallowSchemas;
  pydantic: PydanticModels;
  sensitivity: Sensitivity;
}

/** What the contract says of the fields one write can set. */
export interface Judgement {
  /** Sorted writable fields beyond the contract. */
  fields: string[];
  /** For each of them, why. */
  fieldReasons: Record<string, string[]>;
  confidence: Confidence;
  /** Set when the only field beyond the contract is a primary key chosen on create: a medium finding. */
  severity?: 'medium';
}

interface FieldRecord {
  server: Evidence[];
  client: Evidence[];
  admin: Evidence[];
}

const STRONG_KINDS: ReadonlySet<FieldKind> = new Set(['privilege', 'credential', 'ownership']);

export class Contract {
  private readonly byModel = new Map<string, Map<string, FieldRecord>>();
  private readonly annotated = new WeakSet<ModelInfo>();
  private readonly sources: string[];

  constructor(private readonly inputs: ContractInputs, evidence: Evidence[], modules: ModuleIR[], private readonly described: ReadonlySet<string>) {
    for (const e of evidence) {
      const fields = this.byModel.get(e.model) ?? new Map<string, FieldRecord>();
      this.byModel.set(e.model, fields);
      const record = fields.get(e.field) ?? { server: [], client: [], admin: [] };
      fields.set(e.field, record);
      (e.owner === 'server' ? record.server : e.adminOnly ? record.admin : record.client).push(e);
    }
    this.sources = modules.map((m) => m.source);
  }

  /** The contract of one field of a model (by qualified name), when the code says anything of it. */
  fieldContract(model: string, field: string): FieldContract | undefined {
    const record = this.byModel.get(model)?.get(field);
    if (!record) return undefined;
    const owner = ownerOf(record);
    if (!owner) return undefined;
    const chosen = owner === 'server' ? (record.server.length > 0 ? record.server : record.admin) : record.client;
    return { owner, reasons: dedupe(chosen).map(({ text, path, line }) => ({ text, path, line })) };
  }

  /** Fills `contract` on each field of a catalogued model and makes `sensitive` contract-based (once per model). */
  annotate(info: ModelInfo): void {
    if (this.annotated.has(info)) return;
    this.annotated.add(info);
    const model = this.contractModelOf(info);
    for (const field of info.fields) {
      const contract = model ? this.fieldContract(model, field.name) ?? this.noClientPath(model, field) : undefined;
      if (!contract) continue;
      field.contract = contract;
      const kind = this.inputs.sensitivity.kindOf(field.name, field);
      const record = this.byModel.get(model!)?.get(field.name);
      if (contract.owner === 'server' && !field.sensitive) field.sensitive = record ? categoryOfEvidence(record) : 'server-state';
      if (contract.owner === 'client' && field.sensitive && !field.primaryKey && kind && !STRONG_KINDS.has(kind)) delete field.sensitive;
    }
  }

  /** A caller-chosen value written into one privilege field (a client's `scope`): the field, and the server evidence for it. */
  judgeValue(hit: SinkHit): Judgement {
    const name = hit.field!;
    if (hit.model) this.annotate(hit.model);
    const model = hit.model ? this.contractModelOf(hit.model) : undefined;
    const contract = model ? this.fieldContract(model, name) : undefined;
    const server = contract?.owner === 'server' ? contract.reasons.map(reasonText) : [];
    const reasons = [...server, `${KIND_WORDS.privilege} field by name`, hit.allowlistedOnly ? 'value checked against a fixed list, not the caller\'s own grants' : 'value chosen by the caller'];
    const confidence = confidenceOf({ model: modelCertainty(hit), fields: ['strong-name'], unboundedKeys: false });
    return { fields: [name], fieldReasons: { [name]: reasons }, confidence };
  }

  /** The writable fields of one write that lie beyond the contract, with reasons and a confidence. */
  judge(hit: SinkHit, writable: string[]): Judgement {
    const unboundedKeys = hit.keys.kind === 'any' || hit.keys.kind === 'anyBut';
    const fieldReasons: Record<string, string[]> = {};
    const strength: FieldEvidence[] = [];
    if (!hit.model) {
      const names = hit.keys.kind === 'only' ? [...hit.keys.keys] : [];
      for (const name of names) {
        const kind = this.inputs.sensitivity.kindOf(name);
        if (!kind) continue;
        fieldReasons[name] = [`${KIND_WORDS[kind]} field by name`];
        strength.push(STRONG_KINDS.has(kind) ? 'strong-name' : 'weak-name');
      }
      return { fields: Object.keys(fieldReasons).sort(), fieldReasons, confidence: confidenceOf({ model: 'unknown', fields: strength, unboundedKeys }) };
    }
    this.annotate(hit.model);
    const model = this.contractModelOf(hit.model);
    const update = this.isUpdate(hit);
    const hasPrimaryKey = hit.model.fields.some((f) => f.primaryKey);
    const handler = this.inputs.project.functions.get(hit.endpoint?.handler ?? hit.functionName);
    // an administrator's own endpoint may set what the server owns: there, only names still count
    const byAdmin = handler ? isAdminOnly(handler.module, handler.def) : false;
    const createKeys: Record<string, string[]> = {};
    for (const name of writable) {
      const field = hit.model.fields.find((f) => f.name === name);
      const verdict = this.fieldVerdict(name, field, hit.model.kind, model, update, hasPrimaryKey);
      if (!verdict || (byAdmin && verdict.strength !== 'strong-name' && !this.inputs.sensitivity.kindOf(name, field ?? {}) && !field?.primaryKey)) continue;
      if (verdict.createKey) createKeys[name] = verdict.reasons;
      else {
        fieldReasons[name] = verdict.reasons;
        strength.push(verdict.strength);
      }
    }
    // a key chosen on create is listed only when nothing else is beyond the contract, and then as a medium finding
    if (Object.keys(fieldReasons).length === 0 && Object.keys(createKeys).length > 0) {
      return { fields: Object.keys(createKeys).sort(), fieldReasons: createKeys, confidence: confidenceOf({ model: modelCertainty(hit), fields: ['weak-name'], unboundedKeys }), severity: 'medium' };
    }
    return { fields: Object.keys(fieldReasons).sort(), fieldReasons, confidence: confidenceOf({ model: modelCertainty(hit), fields: strength, unboundedKeys }) };
  }

  private fieldVerdict(name: string, field: ModelField | undefined, kindOfModel: ModelInfo['kind'], model: string | undefined, update: boolean, hasPrimaryKey: boolean): { reasons: string[]; strength: FieldEvidence; createKey?: boolean } | undefined {
    const kind = this.inputs.sensitivity.kindOf(name, field ?? {});
    const byName = kind ? [`${KIND_WORDS[kind]} field by name`] : [];
    const isPrimaryKey = field?.primaryKey || (!hasPrimaryKey && looksLikePrimaryKey(name));
    if (isPrimaryKey) {
      if (update) return { reasons: ['primary key: writing it on an existing record moves or overwrites a row'], strength: 'contract' };
      if (this.keyedBy(name, kindOfModel)) return { reasons: ['primary key of a store keyed by it: a chosen value overwrites another record'], strength: 'contract' };
      return { reasons: ['primary key chosen by the client on create (medium: the store is not keyed by it)'], strength: 'weak-name', createKey: true };
    }
    const record = model ? this.byModel.get(model)?.get(name) : undefined;
    const owner = record && ownerOf(record);
    // a column that identifies or scopes the caller (`filter_by(username=identity)`) is chosen once, on create
    if (owner === 'server' && !update && record!.client.length > 0 && record!.server.every((e) => e.kind === 'scoped' || WEAK_ORIGINS.has(e.origin!))) return undefined;
    if (owner === 'server') {
      const contract = this.fieldContract(model!, name)!;
      const weakOnly = record!.server.every((e) => e.origin !== undefined && WEAK_ORIGINS.has(e.origin)) && record!.admin.length === 0;
      return { reasons: [...contract.reasons.map(reasonText), ...byName], strength: weakOnly && !kind ? 'weak-name' : 'contract' };
    }
    if (owner === 'client') {
      // the app lets clients write it elsewhere: within the contract, unless its name says privilege or secret
      if (kind === 'privilege' || (kind === 'credential' && !isPasswordInput(name))) return { reasons: byName, strength: 'strong-name' };
      return undefined;
    }
    if (kind === 'credential' && isPasswordInput(name) && !update) return undefined;
    if (kind) return { reasons: byName, strength: STRONG_KINDS.has(kind) ? 'strong-name' : 'weak-name' };
    const unwritten = model && field ? this.noClientPath(model, field) : undefined;
    return unwritten ? { reasons: unwritten.reasons.map(reasonText), strength: 'weak-name' } : undefined;
  }

  /** On a model whose explicit client writes are known (two fields or more) and no schema describes, a field none of them writes is the server's to set. */
  private noClientPath(model: string, field: ModelField): FieldContract | undefined {
    const family = this.withBases(model);
    if (family.some((m) => this.described.has(m)) || field.primaryKey || field.name.startsWith('_') || this.byModel.get(model)?.has(field.name) || this.inputs.sensitivity.kindOf(field.name, field)) return undefined;
    const clientFields = new Set(family.flatMap((m) => [...this.clientFields(m)]));
    if (clientFields.size < 2 || family.some((m) => this.byModel.get(m)?.has(field.name))) return undefined;
    return { owner: 'server', reasons: [{ text: `written by no client path (clients write ${[...clientFields].sort().join(', ')})` }] };
  }

  /** A model and the project classes it derives from (a polymorphic `Admins(Users)` shares its base's contract). */
  private withBases(model: string, seen = new Set<string>()): string[] {
    if (seen.has(model)) return [];
    seen.add(model);
    const cls = this.inputs.project.classes.get(model);
    const bases = cls ? cls.def.bases.filter((b) => !b.name).flatMap((b) => classesOf(this.inputs.engine.evaluateInModule(cls.module.name, b.value))) : [];
    return [model, ...bases.flatMap((b) => this.withBases(b, seen))];
  }

  /** Fields the app's explicit, non-admin paths write from the request. */
  private clientFields(model: string): Set<string> {
    const out = new Set<string>();
    for (const [name, record] of this.byModel.get(model) ?? []) if (ownerOf(record) === 'client') out.add(name);
    return out;
  }

  /** The model whose contract a catalogued class follows: itself, or the model a schema is for. */
  private contractModelOf(info: ModelInfo): string | undefined {
    if (info.kind === 'sqlalchemy' || info.kind === 'class') return info.qualifiedName;
    const cls = this.inputs.project.classes.get(info.qualifiedName);
    const mapped = cls && info.kind === 'marshmallow' ? this.inputs.marshmallow.shapeOf(cls)?.model?.qname : undefined;
    return mapped ?? modelByName(this.inputs.catalog.all(), stripSchemaSuffix(info.name)) ?? info.qualifiedName;
  }

  /** The write sets fields of a record that already exists (an update), rather than a new one. */
  private isUpdate(hit: SinkHit): boolean {
    if (hit.kind === 'constructor') return false;
    if (hit.kind === 'schema-load') return /instance\s*=/.test(hit.sinkText);
    const fn = this.inputs.project.functions.get(hit.functionName);
    if (!fn || !hit.model) return true;
    if (fn.def.name === '__init__') return false;
    const body = fn.module.source.slice(fn.def.s, fn.def.e);
    const target = hit.targetText.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return !new RegExp(`(^|[^\\w.])${target}\\s*=\\s*(\\w+\\.)*${hit.model.name}\\s*\\(`).test(body);
  }

  /** A store indexed by this field: a dict of plain objects (`STORE[item.id] = item`), or a SQLAlchemy `session.merge(obj)` upsert. */
  private keyedBy(field: string, kind: ModelInfo['kind']): boolean {
    const index = kind === 'sqlalchemy' ? /\.merge\(/ : new RegExp(`\\[\\s*\\w+(\\.${field}|\\[["']${field}["']\\])\\s*\\]\\s*=`);
    return this.sources.some((s) => index.test(s));
  }
}

/** Builds the contract of a project: one pass over its application modules. */
export function inferContract(inputs: ContractInputs): Contract {
  const { project, engine, catalog } = inputs;
  const known = catalog.all().filter((m) => m.kind === 'sqlalchemy');
  const names = known.map((m) => m.name.replace(/[^\w]/g, ''));
  // beyond entry code, only modules that construct a model or declare schemas and field lists are read
  const mentions = new RegExp(`${names.length > 0 ? `\\b(${names.join('|')})(\\.\\w+)?\\(|` : ''}dump_only|read_only|readOnly|_FIELDS\\s*=`);
  const modules = [...project.modules.values()].filter((m) => isApplicationCode(m.path) && (m.entry || mentions.test(m.source)));
  for (const m of modules) project.load(m);
  const models = new Map<string, ModelInfo>();
  for (const info of catalog.all()) if (info.kind === 'sqlalchemy' || info.kind === 'class') models.set(info.qualifiedName, info);
  const fieldSets = new Map<string, Set<string>>([...models].map(([q, info]) => [q, new Set(info.fields.map((f) => f.name))]));
  const named = new Map<string, string | undefined>();
  const lookup: ModelLookup = {
    modelNamed(module: ModuleIR, expr: Expr): string | undefined {
      if (expr.t !== 'name' && expr.t !== 'attr') return undefined;
      const text = module.source.slice(expr.s, expr.e);
      if (!/(^|\.)[A-Z]\w*$/.test(text)) return undefined;
      const key = `${module.name}\u0000${text}`;
      if (!named.has(key)) named.set(key, classesOf(engine.evaluateInModule(module.name, expr)).find((q) => models.has(q)));
      return named.get(key);
    },
    fieldsOf: (model) => fieldSets.get(model) ?? new Set(),
    models: () => [...models.keys()],
  };
  const collector = new EvidenceCollector(project, lookup);
  collector.collect(modules);
  collectSchemaEvidence(inputs, collector, [...models.values()], modules);
  const contract = new Contract(inputs, collector.evidence, modules, collector.described);
  for (const info of catalog.all()) contract.annotate(info);
  return contract;
}

/** marshmallow and pydantic classes of the walked modules, mapped onto the model they describe. */
function collectSchemaEvidence(inputs: ContractInputs, collector: EvidenceCollector, models: ModelInfo[], modules: ModuleIR[]): void {
  const walked = new Set(modules.map((m) => m.path));
  for (const cls of inputs.project.classes.values()) {
    if (!walked.has(cls.module.path)) continue;
    const schema = inputs.marshmallow.shapeOf(cls);
    const pydantic = schema ? undefined : inputs.pydantic.shapeOf(cls);
    if (!schema && !pydantic) continue;
    const model = schema?.model?.qname ?? modelByName(models, stripSchemaSuffix(cls.def.name));
    if (!model) continue;
    const declared = declaredFields(cls);
    const meta = cls.nested.get('Meta');
    const metaServer: { list: string; names: string[] }[] = [];
    for (const stmt of meta?.def.body ?? []) {
      if (stmt.t !== 'assign' || stmt.targets[0]?.t !== 'name') continue;
      const list = stmt.targets[0].id;
      const names = stringItems(stmt.value);
      if (names && /^(dump_only|read_only|read_only_fields|exclude)$/.test(list)) metaServer.push({ list: list === 'exclude' ? 'excluded' : list, names });
    }
    const loaded = modules.some((m) => m.source.includes(`${cls.def.name}(`) && /\.load\(|\.parse_obj\(|\.model_validate\(|\*\*/.test(m.source));
    collector.schemaEvidence(cls, model, declared, metaServer, loaded || pydantic !== undefined);
  }
  for (const found of openapiReadOnly(modules)) {
    const model = modelByName(models, stripSchemaSuffix(found.schema));
    if (model) collector.openapiEvidence(model, found.field, found.schema, found.path, found.line);
  }
}

/** `name = fields.Str(dump_only=True)` / `name: str`: the fields a schema class declares itself. */
function declaredFields(cls: ClassInfo): { name: string; dumpOnly: boolean }[] {
  const out: { name: string; dumpOnly: boolean }[] = [];
  for (const stmt of cls.def.body) {
    if (stmt.t === 'assign' && stmt.targets[0]?.t === 'name' && stmt.value.t === 'call') {
      const dumpOnly = stmt.value.args.some((a) => (a.name === 'dump_only' || a.name === 'read_only') && a.value.t === 'const' && a.value.v === 'True');
      out.push({ name: stmt.targets[0].id, dumpOnly });
    } else if ((stmt.t === 'annotated' || stmt.t === 'assign') && (stmt.t === 'annotated' ? stmt.target : stmt.targets[0])?.t === 'name') {
      const target = (stmt.t === 'annotated' ? stmt.target : stmt.targets[0]) as Extract<Expr, { t: 'name' }>;
      if (stmt.t === 'annotated' || stmt.annotation) out.push({ name: target.id, dumpOnly: false });
    }
  }
  return out;
}

function stripSchemaSuffix(name: string): string {
  return name.replace(/(Create|Update|Input|In|Out|Request|Response|Payload|Patch|Write|Read|Edit|New|Public|Base)?(Schema|Model|Body|Form|Serializer)?$/, '') || name;
}

function modelByName(models: ModelInfo[], name: string): string | undefined {
  const found = models.filter((m) => m.kind === 'sqlalchemy' && m.name === name);
  return found.length === 1 ? found[0]!.qualifiedName : undefined;
}

/** Server evidence that is not a mere constant outweighs a client write; a constant (a default) does not. */
function ownerOf(record: FieldRecord): 'server' | 'client' | undefined {
  if (record.server.some((e) => !e.origin || !WEAK_ORIGINS.has(e.origin))) return 'server';
  if (record.client.length > 0) return 'client';
  if (record.server.length > 0 || record.admin.length > 0) return 'server';
  return undefined;
}

function categoryOfEvidence(record: FieldRecord): SensitivityCategory {
  const all = [...record.server, ...record.admin];
  if (all.some((e) => e.kind === 'scoped' || e.origin === 'principal')) return 'ownership';
  if (all.some((e) => e.origin === 'generated')) return 'credential';
  if (record.admin.length > 0 && record.server.length === 0) return 'privilege';
  return 'server-state';
}

function reasonText(reason: FieldReason): string {
  return reason.path ? `${reason.text} at ${reason.path}:${reason.line}` : reason.text;
}

/** One reason per text and place. */
function dedupe(evidence: Evidence[]): Evidence[] {
  const seen = new Set<string>();
  return evidence.filter((e) => {
    const key = `${e.text}\u0000${e.path}\u0000${e.line}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Whether the write's model is known, only a class-hierarchy candidate, or not known at all. */
function modelCertainty(hit: SinkHit): 'resolved' | 'assumed' | 'unknown' {
  if (!hit.model) return 'unknown';
  return hit.modelAssumed ? 'assumed' : 'resolved';
}
