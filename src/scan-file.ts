// What a scan keeps of each file from reading it to scanning its part, and which parts need analysing.
// Nothing here loads the analyser: a scan answered from the cache, or analysed on threads, never loads it here.

/**
 * A file as the scan keeps it from reading it to scanning its part. Not its text: the part's scan reads it again,
 * so a scan holds the text of the parts being scanned, not of every file.
 */
export interface ScanFile {
  path: string;
  /** Content hash under the tool's code stamp: the key of the file's lowered IR in the cache. */
  key: string;
  /** Whether it holds Flask entry code (frameworks/flask/request.ts, entryCodeTest). */
  entry: boolean;
  /** Whether it is a connexion app (semantic/partition.ts). */
  connexion: boolean;
  /** Its length in characters. */
  size: number;
}

export const NOT_ANALYSED = 'not analysed';
/** A file whose text was not the same when its part read it: the part is analysed as read then, and not cached. */
export const CHANGED = 'changed while it was scanned';

/** Whether a part has anything to analyse: entry code, or a connexion app (its handlers need not import Flask). */
export function needsAnalysis(files: ScanFile[]): boolean {
  return files.some((f) => f.entry || f.connexion);
}
