// The reporter registry: one pure function per output format, each over the same ScanResult.
import type { ScanResult } from '../result.js';
import { renderJson } from './json.js';
import { renderText } from './text.js';

export interface RenderOptions {
  color: boolean;
}

export type Reporter = (result: ScanResult, options: RenderOptions) => string;

export const reporters = {
  text: renderText,
  json: renderJson,
} satisfies Record<string, Reporter>;

export type ReporterName = keyof typeof reporters;
