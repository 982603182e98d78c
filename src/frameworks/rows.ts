// Library knowledge as data rows (CodeQL's models-as-data): sources, sinks, sanitizers and type facts,
// each naming what it matches by outside path or by receiver type, read by one LibraryModel. Built-in
// package files and a user's `[[tool.massassign.models]]` tables hold rows of the same shape.
import { ANY } from '../dataflow/keyset.js';
import { obj, ofKind, refs, type Fact, type ObjectRef, type TaintFact, type Value } from '../dataflow/facts.js';
import { classBases } from '../dataflow/classes.js';
import type { Engine } from '../dataflow/engine.js';
import type { CallSite, LibraryModel, SiteContext } from '../dataflow/library.js';
import type { Expr, Span } from '../python/ir.js';
import type { ClassInfo } from '../semantic/project.js';

/** The sink kinds a row may name; each maps to a rule. */
const SINK_KINDS = ['constructor', 'query-update', 'setattr', 'dict-update'] as const;

export interface ModelRow {
  /** `source`: the caller's whole mapping; `sink`: writes a mapping's keys; `sanitizer`: returns no caller keys; `type`: what a result is. */
  kind: 'source' | 'sink' | 'sanitizer' | 'type';
  /** The outside path (or a project function's qualified name) of what is called or read, `*` one dotted segment, `**` anything: `pymongo.MongoClient()**.insert_one`. */
  path?: string;
  /** The receiver's type: a base class (`peewee.Model`: its project subclasses; `peewee.Model()`: their instances), a type named by a `type` row, or `tag:<tag>` for an object another model made. */
  on?: string;
  /** The method called on the receiver (`create`, or several: `get|first`); `__init__` / `__call__` for calling the receiver itself. */
  method?: string;
  /** The attribute read on the receiver (`payload`, `objects`). */
  attribute?: string;
  /** For sinks: where the caller's keys are: `kwargs` (`**data`; a keyword with a caller value is that one field's value), `arg0`, `arg1`, `arg1.$set` (a dict literal's entry), `kw.set_` (one keyword). */
  keys?: string;
  /** For sinks: which rule's kind of write it is (default `query-update`). */
  sink?: (typeof SINK_KINDS)[number];
  /** For sinks: the object written, when not the receiver: `arg0` (`dict_to_model(User, data)`). */
  target?: 'arg0';
  /** For type rows: the type of the result, or `instance` for an instance of the receiver's model class. */
  returns?: string;
  /** The package the row describes, for docs. */
  package?: string;
}

/** JSON schema of one row, for the config file's `models` key. */
export const modelRowSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind'],
  properties: {
    kind: { enum: ['source', 'sink', 'sanitizer', 'type'] },
    path: { type: 'string', minLength: 1 },
    on: { type: 'string', minLength: 1 },
    method: { type: 'string', minLength: 1 },
    attribute: { type: 'string', minLength: 1 },
    keys: { type: 'string', pattern: '^(kwargs|arg[0-9](\\.[$\\w]+)?|kw\\.\\w+)$' },
    sink: { enum: SINK_KINDS },
    target: { enum: ['arg0'] },
    returns: { type: 'string', minLength: 1 },
    package: { type: 'string' },
  },
  anyOf: [{ required: ['path'] }, { required: ['on'] }],
} as const;

const TYPE_TAG = 'rows.type';

/** A package's rows, each stamped with the package name. */
export function packageRows(name: string, rows: ModelRow[]): ModelRow[] {
  return rows.map((row) => ({ ...row, package: name }));
}

/** The names whose use in a function means it may read a row source (for the analysis' prefilter). */
export function sourceNames(rows: readonly ModelRow[]): string[] {
  return rows.filter((r) => r.kind === 'source').flatMap((r) => [r.attribute ?? r.method ?? lastSegment(r.path ?? '')]).filter(Boolean);
}

export function rowsModel(engine: Engine, rows: readonly ModelRow[]): LibraryModel {
  const types = new ReceiverTypes(engine);
  const compiled = rows.map((row) => ({ row, path: row.path ? globRegExp(row.path) : undefined }));
  const calls = compiled.filter((c) => c.row.attribute === undefined);
  // attribute rows by the attribute they read, in row order
  const readsByName = new Map<string, typeof compiled>();
  for (const c of compiled) {
    const name = c.row.attribute;
    if (name !== undefined) readsByName.set(name, [...(readsByName.get(name) ?? []), c]);
  }
  const onMatches = (row: ModelRow, receiver: Value | undefined) => row.on === undefined || (receiver !== undefined && types.of(receiver).has(row.on));
  // rows indexed by what a call must have for them to apply, so most calls test none
  const byMethod = new Map<string, typeof calls>();
  const onCallees: typeof calls = [];
  const byPathTail = new Map<string, typeof calls>();
  const byPath: typeof calls = [];
  const tail = (path: string) => path.slice(path.lastIndexOf('.') + 1);
  for (const c of calls) {
    const names = c.row.method?.split('|') ?? [];
    for (const name of names) byMethod.set(name, [...(byMethod.get(name) ?? []), c]);
    if (names.includes('__init__') || names.includes('__call__')) onCallees.push(c);
    if (c.row.method) continue;
    const last = tail(c.row.path ?? '*');
    if (last.includes('*')) byPath.push(c);
    else byPathTail.set(last, [...(byPathTail.get(last) ?? []), c]);
  }

  return {
    name: 'rows',
    call(site) {
      let result: Value | undefined;
      const paths: string[] = [];
      let madeByCall = false;
      for (const f of site.callee) {
        if (f.k !== 'object') continue;
        if (f.ref.type === 'external') paths.push(f.ref.path);
        else if (f.ref.type === 'function') paths.push(f.ref.fn);
        else if (f.ref.type === 'class' || f.ref.type === 'tagged') madeByCall = true;
      }
      const lists: (typeof calls)[] = [];
      const named = site.method ? byMethod.get(site.method) : undefined;
      if (named) lists.push(named);
      if (onCallees.length > 0 && madeByCall) lists.push(onCallees);
      if (paths.length > 0 && byPath.length > 0) lists.push(byPath);
      for (const p of paths) {
        const tailed = byPathTail.get(tail(p));
        if (tailed) lists.push(tailed);
      }
      // most calls match no row's method or path: nothing to gather
      if (lists.length === 0) return undefined;
      const candidates = lists.length === 1 ? lists[0]! : new Set(lists.flat());
      for (const { row, path } of candidates) {
        if (path && !paths.some((p) => path.test(p))) continue;
        const names = row.method?.split('|') ?? [];
        const onReceiver = site.method !== undefined && names.includes(site.method) && onMatches(row, site.receiver);
        const onCallee = (names.includes('__init__') || names.includes('__call__')) && onMatches(row, site.callee);
        if (row.method ? !onReceiver && !onCallee : !path || !onMatches(row, site.receiver)) continue;
        const target = row.target === 'arg0' ? site.args[0] ?? [] : onCallee && !onReceiver ? site.callee : site.receiver ?? site.callee;
        result ??= apply(row, site, target, types);
      }
      return result;
    },
    attribute(base, name, site) {
      for (const { row, path } of readsByName.get(name) ?? []) {
        if (!onMatches(row, base)) continue;
        if (path && !refs(base).some((r) => r.type === 'external' && path.test(`${r.path}.${name}`))) continue;
        if (row.kind === 'source') return [mapping(site, site.expr)];
        if (row.kind === 'type') return typed(row.returns!, modelOf(base));
      }
      return undefined;
    },
    classAttribute(cls, name, site) {
      const base = [obj({ type: 'class', cls: cls.qname })];
      for (const { row } of readsByName.get(name) ?? []) {
        if (row.kind === 'type' && onMatches(row, base)) return typed(row.returns!, cls.qname);
        if (row.kind === 'source' && onMatches(row, base)) return [mapping(site, site.expr)];
      }
      return undefined;
    },
  };
}

function apply(row: ModelRow, site: CallSite, target: Value, types: ReceiverTypes): Value | undefined {
  switch (row.kind) {
    case 'source':
      return [mapping(site, site.expr)];
    case 'sanitizer':
      return [];
    case 'type':
      return row.returns === 'instance' ? instanceOf(target) : typed(row.returns!, modelOf(target));
    case 'sink': {
      const facts = keysOf(row.keys ?? 'kwargs', site);
      const written = types.modelTarget(target);
      const targetNode = site.receiverExpr ?? site.expr.fn;
      if (facts.length > 0) site.report({ kind: row.sink ?? 'query-update', facts, target: written, node: site.expr, targetNode });
      // `create(role=data['role'])`: a named field takes a caller value, no caller-chosen key
      if ((row.keys ?? 'kwargs') === 'kwargs') {
        for (const [field, value] of site.kwargs) {
          const values = ofKind(value, 'value');
          if (values.length > 0) site.report({ kind: 'field-value', facts: values, target: written, node: site.expr, targetNode, field });
        }
      }
      return undefined;
    }
  }
}

/** The caller-keyed mappings a sink row's `keys` names at a call. */
function keysOf(spec: string, site: CallSite): TaintFact[] {
  if (spec === 'kwargs') return site.spread.flatMap((v) => ofKind(v, 'map'));
  if (spec.startsWith('kw.')) return ofKind(site.kwargs.get(spec.slice(3)) ?? [], 'map');
  const [arg, member] = spec.split('.') as [string, string | undefined];
  const index = Number(arg.slice(3));
  if (!member) return ofKind(site.args[index] ?? [], 'map');
  const expr = site.expr.args.filter((a) => !a.name && !a.star)[index]?.value;
  const entry = expr?.t === 'dict' ? expr.entries.find((e): e is { key: Expr; value: Expr } => 'key' in e && e.key.t === 'str' && e.key.v === member) : undefined;
  return entry ? ofKind(site.evaluate(entry.value), 'map') : [];
}

function mapping(site: SiteContext, node: Span): Fact {
  return { k: 'map', origin: { source: site.text(node) }, keys: ANY, trace: [site.step(node)] };
}

function typed(type: string, cls: string | undefined): Value {
  return [obj({ type: 'tagged', tag: TYPE_TAG, cls, data: type })];
}

/** The model class a receiver stands for: a class, an instance, or a typed result that remembers its class. */
function modelOf(value: Value): string | undefined {
  for (const r of refs(value)) {
    if (r.type === 'class' || r.type === 'instance') return r.cls;
    if (r.type === 'tagged' && r.tag === TYPE_TAG && r.cls) return r.cls;
  }
  return undefined;
}

function instanceOf(value: Value): Value {
  const cls = modelOf(value);
  return cls ? [obj({ type: 'instance', cls })] : [];
}

/** What type names a value answers to: outside paths, the outside bases of project classes (instances with `()`), row types. */
class ReceiverTypes {
  private readonly bases = new Map<string, string[]>();

  constructor(private readonly engine: Engine) {}

  of(value: Value): Set<string> {
    const out = new Set<string>();
    for (const r of refs(value)) for (const t of this.ofRef(r)) out.add(t);
    return out;
  }

  private ofRef(r: ObjectRef): string[] {
    switch (r.type) {
      case 'external':
        return [r.path];
      case 'class':
        return this.externalBases(r.cls);
      case 'instance':
        return this.externalBases(r.cls).map((b) => `${b}()`);
      case 'tagged':
        if (r.tag === TYPE_TAG) return [r.data as string];
        // objects other models made answer to `tag:<their tag>`, and to the outside type they record
        return [`tag:${r.tag}`, ...(typeof (r.data as { type?: unknown } | undefined)?.type === 'string' ? [(r.data as { type: string }).type] : [])];
      default:
        return [];
    }
  }

  /** A write's target as the summary should record it: the model class behind a typed result, else the receiver. */
  modelTarget(value: Value): Value {
    const typedCls = refs(value).find((r) => r.type === 'tagged' && r.cls !== undefined && this.engine.project.classes.has(r.cls));
    return typedCls && typedCls.type === 'tagged' ? [obj({ type: 'class', cls: typedCls.cls! })] : value;
  }

  private externalBases(qname: string): string[] {
    const cached = this.bases.get(qname);
    if (cached) return cached;
    this.bases.set(qname, []);
    const cls = this.engine.project.classes.get(qname);
    const out = new Set<string>();
    if (cls) this.collect(cls, out, new Set());
    const list = [...out];
    this.bases.set(qname, list);
    return list;
  }

  private collect(cls: ClassInfo, out: Set<string>, seen: Set<string>): void {
    if (seen.has(cls.qname)) return;
    seen.add(cls.qname);
    for (const base of classBases(cls, this.engine)) {
      for (const r of refs(base)) {
        if (r.type === 'external') out.add(r.path.replace(/\(\)$/, ''));
        const info = r.type === 'class' ? this.engine.project.classes.get(r.cls) : undefined;
        if (info) this.collect(info, out, seen);
      }
    }
  }
}

/** `*` one dotted segment, `**` anything; everything else literal. */
function globRegExp(glob: string): RegExp {
  const body = glob.split(/(\*\*|\*)/).map((part) => (part === '**' ? '.*' : part === '*' ? '[^.]*' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`);
}

function lastSegment(path: string): string {
  return path.replace(/\(\)|\[\]/g, '').split('.').pop() ?? '';
}
