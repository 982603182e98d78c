// Baselines: record today's findings by fingerprint (`--write-baseline`), then report only new ones (`--baseline`).
import { readFileSync, writeFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv';
import { compileSchema } from './schema.js';
import type { Finding } from '../result.js';
import { UsageError } from '../cli/usage-error.js';

export interface BaselineEntry {
  rule: string;
  path: string;
  fingerprint: string;
  /** Why it is accepted (Brakeman's ignore-file note); written by hand, kept by reporters that list baselined findings. */
  note?: string;
}

export interface Baseline {
  version: 1;
  findings: BaselineEntry[];
}

const baselineSchema = {
  type: 'object',
  required: ['version', 'findings'],
  properties: {
    version: { const: 1 },
    findings: {
      type: 'array',
      items: {
        type: 'object',
        required: ['rule', 'path', 'fingerprint'],
        properties: { rule: { type: 'string' }, path: { type: 'string' }, fingerprint: { type: 'string', minLength: 1 }, note: { type: 'string' } },
      },
    },
  },
};

let validator: ValidateFunction<Baseline> | undefined;
const validate = () => (validator ??= compileSchema<Baseline>(baselineSchema));

export function baselineOf(findings: Finding[]): Baseline {
  const entries = findings.map(({ rule, path, fingerprint }) => ({ rule, path, fingerprint }));
  entries.sort((a, b) => a.path.localeCompare(b.path) || a.rule.localeCompare(b.rule) || a.fingerprint.localeCompare(b.fingerprint));
  return { version: 1, findings: entries };
}

export function writeBaseline(file: string, findings: Finding[]): void {
  try {
    writeFileSync(file, `${JSON.stringify(baselineOf(findings), null, 2)}\n`);
  } catch (error) {
    throw new UsageError(`cannot write baseline ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}

export function readBaseline(file: string): Baseline {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = error instanceof SyntaxError ? 'not JSON' : (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UsageError(`cannot read baseline ${file}: ${reason}`);
  }
  if (!validate()(data)) {
    const problem = validate().errors![0];
    throw new UsageError(`${file}: not a massassign baseline (${problem.instancePath || 'top level'} ${problem.message})`);
  }
  return data;
}

/** Findings the baseline does not hold; a fingerprint recorded n times absorbs at most n findings. */
export function newFindings(findings: Finding[], baseline: Baseline): Finding[] {
  const remaining = new Map<string, number>();
  for (const entry of baseline.findings) remaining.set(entry.fingerprint, (remaining.get(entry.fingerprint) ?? 0) + 1);
  return findings.filter((finding) => {
    const count = remaining.get(finding.fingerprint) ?? 0;
    if (count === 0) return true;
    remaining.set(finding.fingerprint, count - 1);
    return false;
  });
}
