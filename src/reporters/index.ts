// The reporter registry: one pure function per output format, each over the same ScanResult.
import type { ScanResult } from '../result.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';

export interface RenderOptions {
  color: boolean;
  /** Only the findings: no summary line (`scan --quiet`). */
  quiet?: boolean;
  /** Source lines by `path:line` (see `collectExcerpts`), for reporters that show code; optional. */
  excerpts?: Record<string, string>;
}

export type Reporter = (result: ScanResult, options: RenderOptions) => string;

export const reporters = {
  text: renderText,
  json: renderJson,
  sarif: renderSarif,
  html: renderHtml,
} satisfies Record<string, Reporter>;

export type ReporterName = keyof typeof reporters;
