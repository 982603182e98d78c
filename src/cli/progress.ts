// A progress bar on stderr while a scan reads files and then analyses functions: only on a terminal,
// outside CI, and for scans of many files. Reading fills the first fifth of the bar, the analysis the rest.

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): boolean;
}

export interface Progress {
  /** Pass as `ScanOptions.onProgress`; undefined when no bar will be drawn. */
  onProgress?: (done: number, total: number) => void;
  /** Pass as `ScanOptions.onAnalysisProgress`; undefined when no bar will be drawn. */
  onAnalysisProgress?: (done: number, total: number) => void;
  /** Erases the bar, if one was drawn. */
  finish(): void;
}

/** Fewer files than this scan too fast for a bar to help. */
export const minFilesForBar = 100;

/** The share of the bar reading takes; the analysis, which costs most of the time, fills the rest. */
const readingShare = 20;

const inCi = (env: NodeJS.ProcessEnv) => env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI.toLowerCase() !== 'false';

export function progressBar(stream: ProgressStream, env: NodeJS.ProcessEnv, enabled = true): Progress {
  if (!enabled || stream.isTTY !== true || inCi(env)) return { finish() {} };
  let drawn = false;
  let manyFiles = false;
  let lastPercent = -1;
  const draw = (percent: number, label: string) => {
    if (!manyFiles || percent === lastPercent) return;
    lastPercent = percent;
    const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - label.length - 12));
    const filled = Math.round((width * percent) / 100);
    stream.write(`\r\x1b[Kscanning [${'#'.repeat(filled)}${'-'.repeat(width - filled)}]${label}`);
    drawn = true;
  };
  return {
    onProgress(done, total) {
      manyFiles = total >= minFilesForBar;
      draw(Math.floor((readingShare * done) / Math.max(total, 1)), ` ${done}/${total} files`);
    },
    onAnalysisProgress(done, total) {
      draw(readingShare + Math.floor(((100 - readingShare) * done) / Math.max(total, 1)), ` analysing ${done}/${total} functions`);
    },
    finish() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}
