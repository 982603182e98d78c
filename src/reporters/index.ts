// The reporter registry: one pure function per output format, each over the same ScanResult.
import type { Finding, ScanResult } from '../result.js';
import { renderGithub } from './github.js';
import { renderGitlab } from './gitlab.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';

/** Where and how the report was made; the CLI fills it, reporters that show it read it. */
export interface Provenance {
  /** ISO 8601 time of the run. */
  date: string;
  version: string;
  /** `git rev-parse HEAD` of the scanned folder, when it is in a repository. */
  commit?: string;
  /** Absolute path of the repository's top folder, when the scanned folder is in one: SARIF URIs are relative to it. */
  repositoryRoot?: string;
  /** The settings in effect, `key=value`. */
  settings: string[];
}

export interface RenderOptions {
  color: boolean;
  /** Only the findings: no summary line (`scan --quiet`). */
  quiet?: boolean;
  /** Source lines by `path:line` (see `collectExcerpts`), for reporters that show code; optional. */
  excerpts?: Record<string, string>;
  /** Columns to wrap the text report to; 80 when absent. */
  width?: number;
  provenance?: Provenance;
  /** Findings the baseline already held, for reporters that list what they do not report. */
  baselined?: Finding[];
  /** Why a suppressed or baselined finding is silenced (its ignore comment's or baseline entry's note), by fingerprint. */
  reasons?: Record<string, string>;
}

export type Reporter = (result: ScanResult, options: RenderOptions) => string;

export const reporters = {
  text: renderText,
  json: renderJson,
  sarif: renderSarif,
  html: renderHtml,
  github: renderGithub,
  gitlab: renderGitlab,
} satisfies Record<string, Reporter>;

export type ReporterName = keyof typeof reporters;
