// Splits a scan into parts no analysis crosses: modules joined by their import statements (read from the text,
// before any parse), by their top-level folder, and a connexion app with every module in and below its folder. The
// parts of a folder of several projects are analysed apart: each on its own thread, each cached on its own.
import { ownString } from '../own-string.js';
import { matchesAtLineStarts } from '../python/line-starts.js';
import { ModuleResolver, type ModuleName } from './resolve.js';

/** `import a.b as c, d` and `from .a import (b, c)`, tried at a line start (indented too), members across lines. */
const IMPORT = /[ \t]*(?:import[ \t]+([\w. \t,]+)|from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]*(\([^)]*\)|[\w. \t,*\\]+))/y;

/** Whether a module is a connexion app, which reads its handlers by name from a spec (`operationId: api.users.create`), not by import. */
export const isConnexionApp = (source: string) => /\.add_api\(/.test(source);

/** One import statement: `import` and its modules, or `from` a module and its members (names as written). */
export interface ImportText {
  names?: string[];
  from?: string;
  members?: string[];
}

/** What partitioning reads of a file's text, taken when the file is read so the text itself need not be kept. */
export interface PartitionFacts {
  imports: ImportText[];
  connexion: boolean;
}

/** The facts hold copies, not substrings that would keep the whole text alive. */
export function partitionFacts(source: string): PartitionFacts {
  const imports = Array.from(matchesAtLineStarts(source, 'import', IMPORT), (m): ImportText => (m[1] !== undefined ? { names: names(m[1]) } : { from: ownString(m[2]!), members: names(m[3]!) }));
  return { imports, connexion: isConnexionApp(source) };
}

export interface PartitionFile extends ModuleName, PartitionFacts {
  path: string;
}

/** The files in parts, each in path order, the parts in the order of their first path. */
export function partition<T extends PartitionFile>(files: T[]): T[][] {
  const resolver = new ModuleResolver(files);
  const parents = new Map<T, T>(files.map((f) => [f, f]));
  const find = (f: T): T => {
    let root = f;
    while (parents.get(root) !== root) root = parents.get(root)!;
    for (let at = f; at !== root; ) {
      const next = parents.get(at)!;
      parents.set(at, root);
      at = next;
    }
    return root;
  };
  const join = (a: T, b: T) => {
    const x = find(a);
    const y = find(b);
    if (x !== y) parents.set(x.path < y.path ? y : x, x.path < y.path ? x : y);
  };

  const byFolder = new Map<string, T>();
  const connexionFolders: { folder: string; app: T }[] = [];
  for (const file of files) {
    const folder = file.path.includes('/') ? file.path.slice(0, file.path.indexOf('/')) : '';
    const first = byFolder.get(folder);
    if (first) join(first, file);
    else byFolder.set(folder, file);
    for (const target of importedBy(file, resolver)) join(file, target);
    if (file.connexion) connexionFolders.push({ folder: file.path.slice(0, file.path.lastIndexOf('/') + 1), app: file });
  }
  for (const { folder, app } of connexionFolders) for (const file of files) if (file.path.startsWith(folder)) join(app, file);

  const parts = new Map<T, T[]>();
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const root = find(file);
    const part = parts.get(root);
    if (part) part.push(file);
    else parts.set(root, [file]);
  }
  return [...parts.values()];
}

/** The project modules a file's import statements name, and the submodules its `from` imports name. */
function importedBy<T extends PartitionFile>(file: T, resolver: ModuleResolver<T>): T[] {
  const out: T[] = [];
  for (const statement of file.imports) {
    if (statement.names !== undefined) {
      for (const name of statement.names) {
        const target = resolver.resolve(file, name);
        if (target) out.push(target);
      }
      continue;
    }
    const from = statement.from!;
    const target = resolver.resolve(file, from);
    if (target) out.push(target);
    for (const member of statement.members!) {
      const sub = target ? resolver.get(`${target.name}.${member}`) : resolver.resolve(file, `${from}${from.endsWith('.') ? '' : '.'}${member}`);
      if (sub) out.push(sub);
    }
  }
  return out;
}

/** The dotted names of an import list, without `as` aliases, parentheses, comments or continuations. */
function names(list: string): string[] {
  return list.replace(/#[^\n]*/g, '').replace(/[()\\]/g, ' ').split(',').map((item) => ownString(item.trim().split(/\s+/)[0]!)).filter((name) => /^[\w.]+$/.test(name));
}
