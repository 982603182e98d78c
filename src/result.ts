// The one result type a scan produces: routes, models, findings and errors, and the order they are listed in.
// Reporters, the probe and fixes read only this. The JSON shape is documented in docs/output.md; change it only
// by adding.

export type Severity = 'critical' | 'high' | 'medium' | 'low';

/** A place in a scanned file: `path` relative to the scan root, 1-based line and column. */
export interface Location {
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface TraceStep {
  path: string;
  line: number;
  column: number;
  /** What happens at this step, in a few words of code: `request.get_json()`, `setattr(config, k, v)`. */
  note: string;
}

export type AuthKind = 'api_key' | 'other' | 'none';

export interface AuthInfo {
  kind: AuthKind;
  /** How the key travels, e.g. `header X-API-Key`, `query api_key`, `header Authorization (Bearer)`; or what the other auth is. */
  via?: string;
  /** Only callers the code treats as admins get through (an admin flag or role check): findings drop one severity level. */
  adminOnly?: boolean;
}

export interface Endpoint {
  methods: string[];
  /** The URL rule as written in Flask, e.g. `/api/devices/<int:id>`. */
  rule: string;
  /** Qualified name of the view function or method, e.g. `app.routes.update_config`. */
  handler: string;
  auth: AuthInfo;
  location: Location;
}

export type SensitivityCategory = 'privilege' | 'credential' | 'ownership' | 'limit' | 'server-state';

export interface ModelField {
  name: string;
  /** Why a caller must not write it; absent for ordinary fields. */
  sensitive?: SensitivityCategory;
  primaryKey?: boolean;
  foreignKey?: string;
  /** Where the application itself shows who owns this field (the contract); absent when nothing was found. */
  contract?: FieldContract;
}

/** What the project's own code says of one field: the server sets it, or clients legitimately write it. */
export interface FieldContract {
  /** `server` when the application sets or scopes it server-side, `client` when an explicit client path writes it. */
  owner: 'server' | 'client';
  /** Each piece of evidence, in a few words with its place: `set by the server at app.py:120`. */
  reasons: FieldReason[];
}

export interface FieldReason {
  /** What the code does, e.g. `set by the server`, `scopes queries to the caller`, `dump_only in UserSchema`. */
  text: string;
  path?: string;
  line?: number;
}

/** How sure a finding is, from how it was reached (Brakeman and Semgrep style). */
export type Confidence = 'high' | 'medium' | 'low';

export interface ModelInfo {
  name: string;
  qualifiedName: string;
  kind: 'sqlalchemy' | 'marshmallow' | 'pydantic' | 'class';
  location: Location;
  fields: ModelField[];
}

/** The caller's key set at the sink: every key, at most these keys, or every key except these. */
export interface KeySetInfo {
  kind: 'any' | 'only' | 'anyBut';
  names: string[];
}

export interface TextEdit {
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  text: string;
}

/** A fix as edits, Ruff style. Choosing the fields a client may write needs a human: rarely `safe`. */
export interface Fix {
  description: string;
  applicability: 'safe' | 'unsafe' | 'display-only';
  edits: TextEdit[];
}

export interface Finding {
  rule: string;
  name: string;
  severity: Severity;
  cwe: 'CWE-915';
  owasp: 'API3:2023';
  path: string;
  /** 1-based line and column of the sink statement. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  endpoint: { methods: string[]; rule: string } | null;
  auth: AuthInfo;
  /** The model class written, or null when it cannot be resolved. */
  model: string | null;
  /** Sorted sensitive fields a caller can write. */
  fields: string[];
  /** Sorted fields of the model a caller can write, sensitive or not (empty when the model is unknown). */
  writable: string[];
  keys: KeySetInfo;
  trace: TraceStep[];
  message: string;
  remediation: string;
  fix?: Fix;
  /** Stable across unrelated edits: rule, path, enclosing function, sink text and fields. */
  fingerprint: string;
  /** What the live probe (`scan --probe`) made of this finding; absent when it did not run. */
  probe?: ProbeVerdict;
  /** How sure the finding is: model resolved or assumed, field evidence, keys bounded or not. Absent in older results. */
  confidence?: Confidence;
  /** For each field in `fields`, why it is not the client's to set (contract evidence and name category). */
  fieldReasons?: Record<string, string[]>;
  /** Further places that take part, e.g. the shared helper's write when the finding sits at the route's call. */
  related?: TraceStep[];
}

/** The live probe's verdict on a static finding: the API stored the fields, only echoed them, refused them, or was not asked. */
export interface ProbeVerdict {
  status: 'confirmed' | 'reflected' | 'not confirmed' | 'not probed';
  /** Why, in plain words: what was sent and what the re-read showed, or why nothing was sent. */
  reason: string;
  /** The fields the API stored (confirmed) or echoed (reflected). */
  fields: string[];
  /** Every change the probe made for this finding was put back (absent when nothing was sent). */
  restored?: boolean;
}

export interface ScanError {
  path: string;
  message: string;
}

export interface ScanStats {
  files: number;
  bytes: number;
  seconds: number;
}

export interface ScanResult {
  version: 1;
  /** Absolute path of the scanned root; every `path` above is relative to it. */
  root: string;
  findings: Finding[];
  errors: ScanError[];
  stats: ScanStats;
  routes: Endpoint[];
  models: ModelInfo[];
  /** Paths (relative to `root`) of the Python files read, sorted; the CLI reads their ignore comments. */
  files?: string[];
  /** Findings a `# massassign: ignore` comment silenced; set by the CLI's policy step, never in `findings`. */
  suppressed?: Finding[];
  /** How many findings a `--baseline` file already held; set by the CLI's policy step, never in `findings`. */
  baselined?: number;
}

/** Findings in file, line and rule order. */
export const byFindingPlace = (a: Finding, b: Finding) => a.path.localeCompare(b.path) || a.line - b.line || a.rule.localeCompare(b.rule);

/** Routes in the order of their handlers in the files. */
export const byRoutePlace = (a: Endpoint, b: Endpoint) => a.location.path.localeCompare(b.location.path) || a.location.line - b.location.line;
