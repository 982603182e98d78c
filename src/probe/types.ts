// The probe's options and its report: what the user asks for, and the documented JSON shape it answers with.
import type { ScanResult } from '../result.js';

/** Where the API key travels: a request header (default `X-API-Key`) or a query parameter. */
export type KeyPlacement = { kind: 'header'; name: string } | { kind: 'query'; name: string };

export interface ProbeOptions {
  /** The API's base URL, e.g. `http://127.0.0.1:5000`. */
  baseUrl: string;
  apiKey: string;
  placement: KeyPlacement;
  /** Scan this Flask source to plan from its routes and findings. */
  source?: string;
  /** Or plan from a scan already made (`scan --probe`). */
  scanResult?: ScanResult;
  /** Probe only the endpoints static findings name (what `scan --probe` does). */
  findingsOnly?: boolean;
  /** An OpenAPI 3.x / Swagger 2 document (JSON). */
  openapi?: string;
  /** Extra endpoints, each `METHOD /path` (Flask `<int:id>` or OpenAPI `{id}` parameters). */
  paths?: string[];
  dryRun?: boolean;
  /** Non-loopback hosts the user allows. */
  allowHosts?: string[];
  /** Request budget for probing (undoing its own changes is never cut off). Default 300. */
  maxRequests?: number;
  /** Requests per second at most. */
  rate?: number;
  /** Also probe foreign keys and timestamps of objects the probe did not create. */
  aggressive?: boolean;
  /** Per-request timeout (connect, headers and whole body) in milliseconds. Default 10000. */
  timeoutMs?: number;
  /** Wall-clock limit for the whole run in milliseconds; undoing what was sent still happens after it. Default 600000. */
  runTimeoutMs?: number;
  /** Extra headers sent with every request that carries the user's credentials (`--header`, `--cookie`); redacted. */
  headers?: Record<string, string>;
  /** A shell command whose standard output is the credential (`--auth-command`), rerun once on a 401 mid-run. */
  authCommand?: string;
  /** Where the write-ahead journal goes. Default `.massassign/probe-<time>-<marker>.jsonl`. */
  journal?: string;
  /** Replay the open entries of this journal instead of probing (`probe --undo FILE`). */
  undo?: string;
  /** Seed bodies, `METHOD /path` to a JSON object, merged into the control body of that write. */
  bodies?: Record<string, Record<string, unknown>>;
}

/** What happened to one property: persisted, only echoed, refused, dropped, or left alone. */
export type FieldStatus = 'confirmed' | 'reflected' | 'suspected' | 'not confirmed' | 'not probed';

/** One request and its answer, as kept in evidence (the key redacted). */
export interface Exchange {
  method: string;
  url: string;
  body?: unknown;
  status: number;
  response?: unknown;
}

export interface Evidence {
  field: string;
  status: FieldStatus;
  reason: string;
  /** The value sent, and the value read before the write (absent when unknown). */
  value?: unknown;
  original?: unknown;
  request?: { method: string; url: string; body?: unknown };
  response?: { status: number; body?: unknown };
  reread?: Exchange;
  restore?: Exchange[];
  restored: boolean;
}

export interface ProbeFinding {
  /** The static rule that predicted it, or `probe` when only the live probe found it. */
  rule: string;
  method: string;
  /** The concrete path probed, and the route it came from. */
  path: string;
  route: string;
  fields: string[];
  status: FieldStatus;
  restored: boolean;
  evidence: Evidence[];
}

/** Something the probe changed and could not put back, with what to do about it. */
export interface Residue {
  method: string;
  path: string;
  what: string;
  todo: string;
}

/** An endpoint the probe left alone, and why. */
export interface Skipped {
  method: string;
  route: string;
  reason: string;
}

/** An endpoint the probe wrote to, and every property it sent there, whatever the verdict. */
export interface Probed {
  method: string;
  path: string;
  fields: string[];
}

export interface ProbeReport {
  version: 1;
  target: string;
  findings: ProbeFinding[];
  probed: Probed[];
  residue: Residue[];
  skipped: Skipped[];
  requests: number;
  errors: string[];
  /** One line per planned write endpoint: what became of it (added in version 1.1). */
  outcomes?: Outcome[];
  /** With `--undo`: how many journal entries were open, and how many of them are now put back. */
  undo?: { file: string; open: number; restored: number };
  /** The write-ahead journal this run kept; `probe --undo <file>` replays what is left open. */
  journal?: string;
  /** Only in a dry run: what would be sent. */
  plan?: PlanSummary[];
}

export interface PlanSummary {
  method: string;
  route: string;
  reread: string;
  candidates: string[];
  note: string;
}

/** What became of one write endpoint: every planned endpoint has exactly one. */
export interface Outcome {
  method: string;
  route: string;
  path: string;
  outcome: 'confirmed' | 'reflected' | 'suspected' | 'nothing stored' | 'not probed' | 'not reached';
  detail: string;
}
