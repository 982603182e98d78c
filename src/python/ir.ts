// A small, parser-independent Python syntax the analysis reads: what survives after a file's tree is let go.
// Every node keeps its source range (UTF-16 offsets `s`..`e`); lines and columns are computed only to report.

export interface Span {
  s: number;
  e: number;
}

export type Expr =
  | (Span & { t: 'name'; id: string })
  | (Span & { t: 'attr'; obj: Expr; name: string })
  | (Span & { t: 'call'; fn: Expr; args: Arg[] })
  | (Span & { t: 'sub'; obj: Expr; index: Expr })
  | (Span & { t: 'str'; v: string })
  | (Span & { t: 'num' })
  | (Span & { t: 'const'; v: 'True' | 'False' | 'None' })
  | (Span & { t: 'dict'; entries: DictEntry[] })
  | (Span & { t: 'seq'; kind: 'list' | 'tuple' | 'set'; items: Expr[] })
  | (Span & { t: 'star'; value: Expr })
  | (Span & { t: 'comp'; kind: 'list' | 'set' | 'gen' | 'dict'; fors: CompFor[]; elt: Expr; value?: Expr })
  | (Span & { t: 'cmp'; op: CmpOp; left: Expr; right: Expr })
  | (Span & { t: 'bool'; op: 'and' | 'or'; left: Expr; right: Expr })
  | (Span & { t: 'not'; value: Expr })
  | (Span & { t: 'ternary'; test: Expr; then: Expr; else: Expr })
  | (Span & { t: 'walrus'; target: string; value: Expr })
  | (Span & { t: 'lambda'; params: string[]; body: Expr })
  /** Set intersection `a & b`: bounds the elements of either side by the other. */
  | (Span & { t: 'intersect'; left: Expr; right: Expr })
  /** Anything else (arithmetic, f-strings, await, slices): its value derives from its parts. */
  | (Span & { t: 'other'; parts: Expr[] });

export type CmpOp = 'in' | 'not in' | '==' | '!=' | 'is' | 'is not' | '<' | '<=' | '>' | '>=';

export interface Arg {
  /** Keyword name, for `name=value`. */
  name?: string;
  /** 1 for `*value`, 2 for `**value`. */
  star?: 1 | 2;
  value: Expr;
}

export type DictEntry = { key: Expr; value: Expr } | { spread: Expr };

export interface CompFor {
  target: Expr;
  iter: Expr;
  ifs: Expr[];
}

export type Stmt =
  | (Span & { t: 'assign'; targets: Expr[]; value: Expr; annotation?: Expr })
  | (Span & { t: 'annotated'; target: Expr; annotation: Expr })
  | (Span & { t: 'augassign'; target: Expr; value: Expr })
  | (Span & { t: 'expr'; value: Expr })
  | (Span & { t: 'if'; test: Expr; body: Stmt[]; orelse: Stmt[] })
  | (Span & { t: 'for'; target: Expr; iter: Expr; body: Stmt[]; orelse: Stmt[] })
  | (Span & { t: 'while'; test: Expr; body: Stmt[]; orelse: Stmt[] })
  | (Span & { t: 'try'; body: Stmt[]; handlers: Stmt[][]; orelse: Stmt[]; final: Stmt[] })
  | (Span & { t: 'with'; items: { value: Expr; target?: Expr }[]; body: Stmt[] })
  | (Span & { t: 'match'; subject: Expr; cases: Stmt[][] })
  | (Span & { t: 'return'; value?: Expr })
  | (Span & { t: 'del'; targets: Expr[] })
  | (Span & { t: 'raise'; value?: Expr })
  | (Span & { t: 'break' })
  | (Span & { t: 'continue' })
  | (Span & { t: 'import'; bindings: ImportBinding[] })
  | (Span & { t: 'def'; fn: FunctionDef })
  | (Span & { t: 'class'; cls: ClassDef });

/** One name an import statement binds: `local` is bound to module `module` (and member `member`, for `from`). */
export interface ImportBinding {
  local: string;
  /** Absolute dotted module, or relative with leading dots (`.models`, `..`). */
  module: string;
  /** For `from module import member`. (`import a.b.c` binds `a` to module `a`.) */
  member?: string;
}

export interface Param {
  name: string;
  kind: 'positional' | 'varargs' | 'kwargs' | 'keyword';
  default?: Expr;
  annotation?: Expr;
}

export interface FunctionDef extends Span {
  name: string;
  /** Offset of the name, for the `def` line. */
  nameOffset: number;
  params: Param[];
  decorators: Expr[];
  body: Stmt[];
  /**
   * Set while the body is not parsed yet (python/skim.ts, workers/lower-file.ts): the offset of the start of its first line.
   * Its text ends at `e`.
   */
  deferredFrom?: number;
  isAsync: boolean;
  /** The return annotation (`-> User`). */
  returns?: Expr;
}

export interface ClassDef extends Span {
  name: string;
  nameOffset: number;
  bases: Arg[];
  decorators: Expr[];
  body: Stmt[];
}

/** One Python file, summarised. */
export interface ModuleIR {
  /** Path relative to the scan root, with `/`. */
  path: string;
  /** Dotted module name, e.g. `app.routes` (a package's `__init__.py` is the package). */
  name: string;
  isPackage: boolean;
  source: string;
  /** Offset of the start of each line. */
  lineStarts: number[];
  body: Stmt[];
  /** Entry code (reads the request, declares routes) rather than a module it imports. */
  entry: boolean;
}
