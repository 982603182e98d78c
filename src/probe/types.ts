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
  /** Per-request timeout in milliseconds. Default 10000. */
  timeoutMs?: number;
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
