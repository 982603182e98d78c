// The live probe's verdict on a finding, as the reporters read it. `Finding.probe` is optional and
// owned by the probe; this is the part of it the reporters render, and only when it is present.
import type { Finding } from '../result.js';

export interface ProbeEvidenceView {
  field: string;
  request?: unknown;
  response?: unknown;
  reread?: unknown;
}

export interface ProbeView {
  status: string;
  reason?: string;
  restored?: boolean;
  fields?: string[];
  evidence?: ProbeEvidenceView[];
}

export function probeOf(finding: Finding): ProbeView | undefined {
  return (finding as Finding & { probe?: ProbeView }).probe;
}

/** `confirmed: api_key, debug_mode (restored)`, or undefined when the finding was not probed at all. */
export function probeVerdictInWords(finding: Finding): string | undefined {
  const probe = probeOf(finding);
  if (!probe) return undefined;
  const fields = probe.fields && probe.fields.length > 0 ? `: ${probe.fields.join(', ')}` : '';
  const reason = probe.reason ? ` (${probe.reason})` : '';
  const restored = probe.restored === undefined ? '' : probe.restored ? ', restored' : ', NOT restored';
  return `${probe.status}${fields}${reason}${restored}`;
}
