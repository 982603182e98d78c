// What a scan keeps of each file from reading it to scanning its part, and what it tells from the text alone.
// Nothing here loads the analyser: a scan answered from the cache, or analysed on threads, never loads it here.
import { entryCodeText } from './frameworks/flask/request.js';
import type { Settings } from './config/options.js';

/**
 * A file as the scan keeps it from reading it to scanning its part. Not its text: the part's scan reads it again,
 * so a scan holds the text of the parts being scanned, not of every file.
 */
export interface ScanFile {
  path: string;
  /** Content hash under the tool's code stamp: the key of the file's lowered IR in the cache. */
  key: string;
  /** Whether it holds Flask entry code (entryCodeTest). */
  entry: boolean;
  /** Whether it is a connexion app (semantic/partition.ts). */
  connexion: boolean;
  /** Its length in characters. */
  size: number;
}

export const NOT_ANALYSED = 'not analysed';
/** A file whose text was not the same when its part read it: the part is analysed as read then, and not cached. */
export const CHANGED = 'changed while it was scanned';

/** Like Semgrep's prefilter: whether a file holds Flask entry code (it reads the request, declares routes). */
export function entryCodeTest(options: Pick<Settings, 'extraSources'>): (source: string) => boolean {
  return entryCodeText(options.extraSources ?? []);
}

/** Whether a part has anything to analyse: entry code, or a connexion app (its handlers need not import Flask). */
export function needsAnalysis(files: ScanFile[]): boolean {
  return files.some((f) => f.entry || f.connexion);
}
