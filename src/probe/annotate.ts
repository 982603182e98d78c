// `scan --probe`: mark each static finding with what the live probe made of its endpoint and fields.
import type { ProbeVerdict, ScanResult } from '../result.js';
import type { EndpointResult } from './endpoint.js';

/** Sets `probe` on every finding of `scan`: confirmed, reflected, not confirmed or not probed, with the reason. */
export function annotateFindings(scan: ScanResult, results: EndpointResult[], stopped?: string): void {
  scan.findings.forEach((finding, index) => {
    const mine = results.filter((r) => r.write.findings.includes(index));
    finding.probe = verdictFor(finding.fields, mine, finding.endpoint === null, stopped);
  });
}

function verdictFor(fields: string[], results: EndpointResult[], noEndpoint: boolean, stopped?: string): ProbeVerdict {
  if (noEndpoint) return { status: 'not probed', reason: 'no endpoint reaches this write', fields: [] };
  if (results.length === 0) return { status: 'not probed', reason: stopped ? `the probe stopped first: ${stopped}` : 'the endpoint was not probed', fields: [] };
  const evidence = results.flatMap((r) => r.evidence).filter((e) => fields.includes(e.field));
  const sent = evidence.filter((e) => e.request);
  const restored = sent.every((e) => e.restored);
  for (const status of ['confirmed', 'reflected'] as const) {
    const hit = evidence.filter((e) => e.status === status);
    if (hit.length > 0) return { status, reason: hit.map((e) => `${e.field}: ${e.reason}`).join('; '), fields: hit.map((e) => e.field).sort(), restored };
  }
  if (sent.length > 0) return { status: 'not confirmed', reason: sent.map((e) => `${e.field}: ${e.reason}`).join('; '), fields: [], restored };
  const why = results.map((r) => r.skipped).find(Boolean) ?? evidence.map((e) => `${e.field}: ${e.reason}`).join('; ');
  return { status: 'not probed', reason: why || 'no field could be probed', fields: [] };
}
