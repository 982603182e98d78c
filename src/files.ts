// Finds the Python files to scan: walks the root, honours .gitignore files, --include/--exclude globs,
// skips virtualenvs, site-packages, node_modules and hidden folders, and follows symlinked folders once; and
// reads one as text.
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';

const SKIPPED_DIRS = new Set(['node_modules', 'site-packages', 'dist-packages', '__pycache__', 'venv', 'env', 'build', 'dist']);

export interface FileWalkOptions {
  include?: string[];
  exclude?: string[];
}

/** How every error about a file or folder that could not be read begins: such errors count in the exit code. */
export const CANNOT_READ = 'cannot read';

/** A folder or file the walk could not read, or a symlinked folder it did not enter. */
export interface WalkProblem {
  path: string;
  message: string;
}

interface Walk {
  root: string;
  out: string[];
  problems: WalkProblem[];
  /** Real paths of the folders entered: a symlinked folder is entered once, so a link cycle ends. */
  entered: Set<string>;
  include?: picomatch.Matcher;
  exclude?: picomatch.Matcher;
}

/**
 * Relative paths (with `/`) of the `.py` files under `root`, sorted, and what could not be read. `root` may be
 * a single file. Symlinked folders are followed unless their target was already entered (a cycle, or a second
 * name for a folder already scanned), which is listed as a problem.
 */
export function findPythonFiles(root: string, options: FileWalkOptions = {}): { files: string[]; problems: WalkProblem[] } {
  const stat = statSync(root);
  if (stat.isFile()) return { files: [''], problems: [] };
  const walk: Walk = {
    root,
    out: [],
    problems: [],
    entered: new Set([realpathSync(root)]),
    include: options.include?.length ? picomatch(options.include, { dot: true }) : undefined,
    exclude: options.exclude?.length ? picomatch(options.exclude, { dot: true }) : undefined,
  };
  walkFolder(walk, root, []);
  return { files: walk.out.sort(), problems: walk.problems.sort((a, b) => a.path.localeCompare(b.path)) };
}

function walkFolder(walk: Walk, dir: string, ignores: { base: string; rules: Ignore }[]): void {
  const here = readGitignore(dir);
  const scoped = here ? [...ignores, { base: dir, rules: here }] : ignores;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    walk.problems.push({ path: relativePath(walk.root, dir) || '.', message: `${CANNOT_READ} folder: ${codeOf(error)}` });
    return;
  }
  // Real folders first, so a symlink to a folder of the scan is the name skipped, not the folder.
  const links = entries.filter((e) => e.isSymbolicLink());
  for (const entry of [...entries.filter((e) => !e.isSymbolicLink()), ...links]) {
    const full = join(dir, entry.name);
    const rel = relativePath(walk.root, full);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      try {
        const target = statSync(full);
        isDir = target.isDirectory();
        isFile = target.isFile();
      } catch {
        continue; // a dangling link is nothing to scan
      }
    }
    if (isDir && (entry.name.startsWith('.') || SKIPPED_DIRS.has(entry.name) || isVirtualenv(full))) continue;
    if (scoped.some((g) => g.rules.ignores(relativePath(g.base, full) + (isDir ? '/' : '')))) continue;
    if (walk.exclude && (walk.exclude(rel) || (isDir && walk.exclude(`${rel}/`)))) continue;
    if (isDir) {
      if (entry.isSymbolicLink() && !enterOnce(walk, full, rel)) continue;
      walkFolder(walk, full, scoped);
    } else if (isFile && entry.name.endsWith('.py') && (!walk.include || walk.include(rel))) {
      walk.out.push(rel);
    }
  }
}

/** Whether a symlinked folder leads somewhere not yet entered; if not, it is listed and skipped. */
function enterOnce(walk: Walk, full: string, rel: string): boolean {
  let real: string;
  try {
    real = realpathSync(full);
  } catch (error) {
    walk.problems.push({ path: rel, message: `${CANNOT_READ} folder: ${codeOf(error)}` });
    return false;
  }
  const insideEntered = [...walk.entered].some((e) => real === e || real.startsWith(`${e}${sep}`) || e.startsWith(`${real}${sep}`));
  if (insideEntered) {
    walk.problems.push({ path: rel, message: 'symlinked folder already scanned under another name (or a link cycle): skipped' });
    return false;
  }
  walk.entered.add(real);
  return true;
}

const relativePath = (from: string, to: string) => relative(from, to).split(sep).join('/');

const codeOf = (error: unknown) => (error as NodeJS.ErrnoException).code ?? String(error);

function readGitignore(dir: string): Ignore | undefined {
  try {
    return ignore().add(readFileSync(join(dir, '.gitignore'), 'utf8'));
  } catch {
    return undefined;
  }
}

function isVirtualenv(dir: string): boolean {
  try {
    return statSync(join(dir, 'pyvenv.cfg')).isFile();
  } catch {
    return false;
  }
}

/** The dotted module name of a relative path: `app/routes.py` → `app.routes`, `app/__init__.py` → `app`. */
export function moduleNameOf(relPath: string): { name: string; isPackage: boolean } {
  const parts = relPath.replace(/\.py$/, '').split('/');
  const isPackage = parts[parts.length - 1] === '__init__';
  if (isPackage) parts.pop();
  return { name: parts.join('.') || '__init__', isPackage };
}

/** A file's text (UTF-8, without a byte order mark), or undefined with the reason in `problems`. */
export function readSource(root: string, path: string, problems: WalkProblem[]): string | undefined {
  let buffer: Buffer;
  try {
    buffer = readFileSync(join(root, path));
  } catch (error) {
    problems.push({ path, message: `${CANNOT_READ} file: ${codeOf(error)}` });
    return undefined;
  }
  if (buffer.includes(0)) {
    problems.push({ path, message: 'binary file, not Python source' });
    return undefined;
  }
  return buffer.toString('utf8').replace(/^\uFEFF/, '');
}
