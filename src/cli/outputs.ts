// The reports a run writes: `-o FORMAT=FILE` (repeatable) and `-o FILE` in `--format`; standard output
// gets `--format` when no `-o` is given.
import { reporters, type ReporterName } from '../reporters/index.js';
import { UsageError } from './usage-error.js';

export interface OutputTarget {
  format: ReporterName;
  /** Absent for standard output. */
  file?: string;
}

export function parseOutputs(values: readonly string[], format: ReporterName): OutputTarget[] {
  if (values.length === 0) return [{ format }];
  return values.map((value) => {
    const match = /^([a-z]+)=(.+)$/.exec(value);
    if (!match) return { format, file: value };
    if (!(match[1]! in reporters)) throw new UsageError(`-o ${value}: unknown format ${match[1]} (one of ${Object.keys(reporters).join(', ')})`);
    return { format: match[1] as ReporterName, file: match[2]! };
  });
}
