// The project index: modules by dotted name, every function and class by qualified name, and how an
// import statement's module resolves among the project's own modules (in resolve.ts).
import { ModuleResolver } from './resolve.js';
import type { ClassDef, FunctionDef, ModuleIR, Stmt } from '../python/ir.js';

export type FunctionKind = 'function' | 'method' | 'classmethod' | 'staticmethod';

export interface FunctionInfo {
  qname: string;
  module: ModuleIR;
  def: FunctionDef;
  kind: FunctionKind;
  /** The class a method is defined in. */
  owner?: ClassInfo;
  /** The function a nested function is defined in. */
  parent?: FunctionInfo;
}

export interface ClassInfo {
  qname: string;
  module: ModuleIR;
  def: ClassDef;
  methods: Map<string, FunctionInfo>;
  /** Classes nested in the body (`Meta`, `Config`). */
  nested: Map<string, ClassInfo>;
}

export class ProjectIndex {
  readonly modules = new Map<string, ModuleIR>();
  readonly functions = new Map<string, FunctionInfo>();
  readonly classes = new Map<string, ClassInfo>();
  /** Functions and classes defined directly in each module or function body, by their defining statement. */
  readonly definitions = new Map<Stmt, FunctionInfo | ClassInfo>();
  /** The classes each module defines (anywhere in it), in the order they were indexed. */
  private readonly moduleClasses = new Map<ModuleIR, ClassInfo[]>();
  /** The functions defined in each function's body, by qualified name (a redefinition replaces the first). */
  private readonly inner = new Map<FunctionInfo, Map<string, FunctionInfo>>();

  private readonly loaded = new Set<string>();
  private readonly resolver: ModuleResolver<ModuleIR>;

  /** Entry modules are indexed now; the others (whose bodies may be lowered on demand) when first used. */
  constructor(modules: ModuleIR[]) {
    for (const m of modules) this.modules.set(m.name, m);
    this.resolver = new ModuleResolver(this.modules.values());
    for (const m of modules) if (m.entry) this.load(m);
  }

  /** Indexes a module's functions and classes the first time it is used. */
  load(module: ModuleIR): ModuleIR {
    if (!this.loaded.has(module.name)) {
      this.loaded.add(module.name);
      this.indexBody(module, module.body, module.name, undefined, undefined);
    }
    return module;
  }

  /** The project module of this dotted name, indexed. */
  module(name: string): ModuleIR | undefined {
    const m = this.modules.get(name);
    return m && this.load(m);
  }

  private indexBody(module: ModuleIR, body: Stmt[], prefix: string, owner: ClassInfo | undefined, parent: FunctionInfo | undefined): void {
    for (const stmt of body) {
      if (stmt.t === 'def') {
        const info = this.indexFunction(module, stmt.fn, `${prefix}.${stmt.fn.name}`, owner, parent);
        this.definitions.set(stmt, info);
      } else if (stmt.t === 'class') {
        const info = this.indexClass(module, stmt.cls, `${prefix}.${stmt.cls.name}`, parent);
        this.definitions.set(stmt, info);
        owner?.nested.set(stmt.cls.name, info);
      } else {
        for (const child of childBodies(stmt)) this.indexBody(module, child, prefix, owner, parent);
      }
    }
  }

  private indexFunction(module: ModuleIR, def: FunctionDef, qname: string, owner: ClassInfo | undefined, parent: FunctionInfo | undefined): FunctionInfo {
    const decoratorNames = def.decorators.map((d) => (d.t === 'name' ? d.id : d.t === 'attr' ? d.name : ''));
    const kind: FunctionKind = !owner ? 'function'
      : decoratorNames.includes('classmethod') ? 'classmethod'
      : decoratorNames.includes('staticmethod') ? 'staticmethod'
      : 'method';
    const info: FunctionInfo = { qname, module, def, kind, owner, parent };
    this.functions.set(qname, info);
    if (parent) {
      let siblings = this.inner.get(parent);
      if (!siblings) this.inner.set(parent, (siblings = new Map()));
      siblings.set(qname, info);
    }
    if (owner && !owner.methods.has(def.name)) owner.methods.set(def.name, info);
    // a body left for later (python/skim.ts) defines nothing: it is not read to index it
    if (def.deferredFrom === undefined) this.indexBody(module, def.body, qname, undefined, info);
    return info;
  }

  private indexClass(module: ModuleIR, def: ClassDef, qname: string, parent: FunctionInfo | undefined): ClassInfo {
    const info: ClassInfo = { qname, module, def, methods: new Map(), nested: new Map() };
    this.classes.set(qname, info);
    let defined = this.moduleClasses.get(module);
    if (!defined) this.moduleClasses.set(module, (defined = []));
    defined.push(info);
    this.indexBody(module, def.body, qname, info, parent);
    return info;
  }

  /** The classes a module defines that their qualified name still stands for (a redefinition replaces the first). */
  classesIn(module: ModuleIR): ClassInfo[] {
    this.load(module);
    return (this.moduleClasses.get(module) ?? []).filter((c) => this.classes.get(c.qname) === c);
  }

  /** The functions defined directly in a function's body (a decorator's wrapper). */
  functionsIn(fn: FunctionInfo): Iterable<FunctionInfo> {
    return this.inner.get(fn)?.values() ?? [];
  }

  /** The project module an import names, seen from module `from`; undefined when it is outside the project. */
  resolveModule(from: ModuleIR, name: string): ModuleIR | undefined {
    const m = this.resolver.resolve(from, name);
    return m && this.load(m);
  }
}

/** The statement lists nested in a compound statement (not function or class bodies). */
export function childBodies(stmt: Stmt): Stmt[][] {
  switch (stmt.t) {
    case 'if':
    case 'for':
    case 'while':
      return [stmt.body, stmt.orelse];
    case 'try':
      return [stmt.body, ...stmt.handlers, stmt.orelse, stmt.final];
    case 'with':
      return [stmt.body];
    case 'match':
      return stmt.cases;
    default:
      return [];
  }
}
