// The policy step between the scan and the reporter: ignore comments, rule selection and severity
// threshold, then the baseline. Each returns a new ScanResult; the scan's own result is left as is.
import type { ScanResult } from '../result.js';
import { filterFindings, type FindingFilter } from './filter.js';
import { IgnoreIndex, suppress, type SourceReader } from './suppress.js';
import { newFindings, type Baseline } from './baseline.js';

/**
 * Keeps the findings the run reports. Ignore comments are matched against every finding the scan made,
 * so a comment for a rule or severity filtered out of this run is not reported as unused.
 */
export function applyFilters(result: ScanResult, filter: FindingFilter, read: SourceReader): { result: ScanResult; ignores: IgnoreIndex } {
  const ignores = new IgnoreIndex(read);
  const { kept, suppressed } = suppress(result.findings, ignores);
  return {
    result: { ...result, findings: filterFindings(kept, filter), suppressed: filterFindings(suppressed, filter) },
    ignores,
  };
}

export function applyBaseline(result: ScanResult, baseline: Baseline): ScanResult {
  const findings = newFindings(result.findings, baseline);
  return { ...result, findings, baselined: result.findings.length - findings.length };
}
