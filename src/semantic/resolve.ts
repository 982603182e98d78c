// Import resolution as Python does it: an absolute import is looked up under the importing file's import root
// and the folders above it, then under the other import roots of the scan (src/ layouts, sibling projects);
// only then by a name suffix, which never stands in for a library. Indexed once per scan, answers cached.

/** What resolution needs of a module: its dotted name relative to the scan root, and whether it is a package. */
export interface ModuleName {
  name: string;
  isPackage: boolean;
}

/** Top-level names of libraries and the standard library: found only by suffix, such a name stays outside. */
const LIBRARIES = new Set([
  'flask', 'sqlalchemy', 'marshmallow', 'marshmallow_sqlalchemy', 'pydantic', 'werkzeug', 'django', 'jwt', 'itsdangerous',
  'wtforms', 'alembic', 'celery', 'redis', 'requests', 'connexion', 'peewee', 'mongoengine', 'pymongo', 'webargs', 'apispec',
  'json', 'os', 'sys', 'typing', 'datetime', 'functools', 'collections', 're', 'uuid', 'hashlib', 'secrets', 'logging',
  'abc', 'asyncio', 'base64', 'copy', 'dataclasses', 'decimal', 'enum', 'hmac', 'inspect', 'io', 'itertools', 'math',
  'operator', 'pathlib', 'random', 'shutil', 'string', 'subprocess', 'tempfile', 'threading', 'time', 'types', 'unittest',
  'urllib', 'warnings', 'weakref', 'contextlib', 'email', 'http', 'html', 'csv', 'pickle', 'socket', 'ssl', 'traceback',
]);

const DOT = 0x2e;

const isLibrary = (name: string) => LIBRARIES.has(name) || name.startsWith('flask_') || name.startsWith('marshmallow');

export class ModuleResolver<T extends ModuleName> {
  private readonly byName = new Map<string, T>();
  /** Every module under each dotted suffix of its name (`a.b.c` under `a.b.c`, `b.c` and `c`). */
  private readonly bySuffix = new Map<string, T[]>();
  /** Folders (dotted, `''` for the scan root) that sys.path would hold: the folder above each top-level package. */
  private readonly importRoots = new Set<string>();
  private readonly cache = new Map<string, T | undefined>();
  private readonly roots = new Map<T, string>();

  constructor(modules: Iterable<T>) {
    for (const m of modules) this.byName.set(m.name, m);
    for (const m of this.byName.values()) {
      // the whole name, then what follows each dot
      for (let dot = -1; ; dot = m.name.indexOf('.', dot + 1)) {
        const suffix = dot < 0 ? m.name : m.name.slice(dot + 1);
        const list = this.bySuffix.get(suffix);
        if (list) list.push(m);
        else this.bySuffix.set(suffix, [m]);
        if (m.name.indexOf('.', dot + 1) < 0) break;
      }
      this.importRoots.add(this.importRootOf(m));
    }
  }

  /** The module of this exact dotted name (relative to the scan root). */
  get(name: string): T | undefined {
    return this.byName.get(name);
  }

  /** The project module `name` imports from module `from`; undefined when it is a library or not in the scan. */
  resolve(from: T, name: string): T | undefined {
    let dots = 0;
    while (name.charCodeAt(dots) === DOT) dots++;
    if (dots > 0) return this.byName.get(relativeName(from, name, dots));
    const firstDot = name.indexOf('.');
    if (isLibrary(firstDot < 0 ? name : name.slice(0, firstDot))) return this.library(from, name);
    const key = `${this.importRootOf(from)}\0${name}`;
    if (this.cache.has(key)) return this.cache.get(key);
    const found = this.absolute(from, name);
    this.cache.set(key, found);
    return found;
  }

  /** The folder above the outermost package holding `m` (the first folder up with no `__init__.py`). */
  private importRootOf(m: T): string {
    let root = this.roots.get(m);
    if (root === undefined) {
      root = m.isPackage ? m.name : parentOf(m.name) ?? '';
      while (root !== '' && this.isPackage(root)) root = parentOf(root) ?? '';
      this.roots.set(m, root);
    }
    return root;
  }

  private isPackage(name: string): boolean {
    return this.byName.get(name)?.isPackage === true;
  }

  /**
   * A package named like a library is that library only to its own modules, as a top-level package (scanning
   * the library itself); `app/web/flask/` or a vendored copy beside an app never captures the app's imports.
   */
  private library(from: T, name: string): T | undefined {
    const top = name.split('.')[0]!;
    const own = this.importRootOf(from);
    return this.bySuffix.get(name)?.find((c) => prefixOf(c.name, name) === own && isWithin(from.name, joinName(own, top)));
  }

  private absolute(from: T, name: string): T | undefined {
    const candidates = this.bySuffix.get(name) ?? [];
    // 1. Under the importer's own import root or a folder above it: the nearest wins.
    const own = this.importRootOf(from);
    let best: T | undefined;
    let bestDepth = -1;
    for (const c of candidates) {
      const prefix = prefixOf(c.name, name);
      if (isWithin(own, prefix) && depth(prefix) > bestDepth) {
        best = c;
        bestDepth = depth(prefix);
      }
    }
    if (best) return best;
    // 2. Under another import root of the scan: the one sharing the longest folder path with the importer.
    let tied = false;
    for (const c of candidates) {
      const prefix = prefixOf(c.name, name);
      if (!this.importRoots.has(prefix)) continue;
      const shared = sharedDepth(own, prefix);
      if (shared > bestDepth) {
        best = c;
        bestDepth = shared;
        tied = false;
      } else if (shared === bestDepth) {
        tied = true;
      }
    }
    if (best) return tied ? undefined : best;
    // 3. The scan root is inside a package (scanning `app/api/`, which imports itself as `app.api.models`).
    const parts = name.split('.');
    if (this.isPackage('__init__')) {
      for (let i = 1; i < parts.length; i++) {
        const m = this.byName.get(parts.slice(i).join('.'));
        if (m) return m;
      }
    }
    // 4. Folders with no `__init__.py` (namespace packages) that a run from a sibling folder would see; unique only.
    const loose = candidates.filter((c) => !this.isPackage(prefixOf(c.name, name)));
    return loose.length === 1 ? loose[0] : undefined;
  }
}

function relativeName(from: ModuleName, name: string, dots: number): string {
  const rest = name.slice(dots);
  const base = from.name.split('.');
  if (!from.isPackage) base.pop();
  for (let i = 1; i < dots; i++) base.pop();
  return [...base, ...(rest ? [rest] : [])].filter(Boolean).join('.');
}

const joinName = (prefix: string, name: string) => (prefix === '' ? name : `${prefix}.${name}`);

function parentOf(name: string): string | undefined {
  if (name === '') return undefined;
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(0, dot);
}

/** `a.b` of `a.b.c.d` for the import `c.d`. */
function prefixOf(full: string, name: string): string {
  return full.length === name.length ? '' : full.slice(0, full.length - name.length - 1);
}

/** Whether folder `ancestor` is `folder` or above it. */
function isWithin(folder: string, ancestor: string): boolean {
  return ancestor === '' || folder === ancestor || folder.startsWith(`${ancestor}.`);
}

const depth = (folder: string) => (folder === '' ? 0 : folder.split('.').length);

function sharedDepth(a: string, b: string): number {
  const x = a === '' ? [] : a.split('.');
  const y = b === '' ? [] : b.split('.');
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return i;
}
