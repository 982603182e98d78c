// `massassign scan [PATH]`: options to ScanOptions, run the scan, render with the chosen reporter.
import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { scan } from '../scan.js';
import { reporters, type ReporterName } from '../reporters/index.js';
import { UsageError } from './usage-error.js';

const collect = (value: string, previous: string[]) => [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];

export function registerScanCommand(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('scan')
    .description('Scan a Flask project for mass assignment')
    .argument('[path]', 'project folder or file', '.')
    .addOption(new Option('-f, --format <format>', 'output format').choices(Object.keys(reporters)).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .option('--exclude <glob>', 'skip files matching this glob (repeatable)', collect, [])
    .option('--sensitive <names>', 'extra sensitive field names, comma-separated (repeatable)', collect, [])
    .option('--not-sensitive <names>', 'field names never to treat as sensitive (repeatable)', collect, [])
    .action(async (path: string, opts: { format: ReporterName; output?: string; exclude: string[]; sensitive: string[]; notSensitive: string[] }) => {
      const result = await scan({ path, exclude: opts.exclude, sensitive: opts.sensitive, notSensitive: opts.notSensitive });
      const text = reporters[opts.format](result, { color: !opts.output && process.stdout.isTTY === true && !process.env.NO_COLOR });
      if (opts.output) {
        try {
          writeFileSync(opts.output, text);
        } catch (error) {
          throw new UsageError(`cannot write ${opts.output}: ${(error as NodeJS.ErrnoException).code ?? error}`);
        }
      } else {
        process.stdout.write(text);
      }
      setExitCode(result.findings.length > 0 ? 1 : 0);
    });
}
