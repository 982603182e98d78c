// A progress bar on stderr while files are read: only on a terminal, outside CI, and for scans of many files.

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): boolean;
}

export interface Progress {
  /** Pass as `ScanOptions.onProgress`; undefined when no bar will be drawn. */
  onProgress?: (done: number, total: number) => void;
  /** Erases the bar, if one was drawn. */
  finish(): void;
}

/** Fewer files than this scan too fast for a bar to help. */
export const minFilesForBar = 100;

const inCi = (env: NodeJS.ProcessEnv) => env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI.toLowerCase() !== 'false';

export function progressBar(stream: ProgressStream, env: NodeJS.ProcessEnv, enabled = true): Progress {
  if (!enabled || stream.isTTY !== true || inCi(env)) return { finish() {} };
  let drawn = false;
  let lastPercent = -1;
  return {
    onProgress(done, total) {
      const percent = Math.floor((100 * done) / Math.max(total, 1));
      if (total < minFilesForBar || percent === lastPercent) return;
      lastPercent = percent;
      const label = ` ${done}/${total} files`;
      const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - label.length - 12));
      const filled = Math.round((width * percent) / 100);
      stream.write(`\r\x1b[Kscanning [${'#'.repeat(filled)}${'-'.repeat(width - filled)}]${label}`);
      drawn = true;
    },
    finish() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}
