// The write-ahead journal: before any request that may change the target, one JSON line says what is sent and the
// whole object read before it; later lines say what the write created and whether it was put back. `probe --undo`
// replays what a run (killed, cut off or failed) left open. The file never holds the caller's credentials
// (a property whose value was one is journalled redacted, so `--undo` cannot put that one value back).
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { JsonObject } from './records.js';

/** A write the probe is about to send, with what it needs to undo it. */
export interface Intent {
  method: string;
  path: string;
  body: unknown;
  /** The GET that shows the object, and the whole object it showed before the write (an update). */
  readPath?: string;
  before?: JsonObject;
  /** The body that puts `before` back goes on top of this (the control body), through `method path`. */
  restoreBase?: JsonObject;
  /** For a create: the collection read before, the ids it held, and the item route new objects appear under. */
  collection?: string;
  knownIds?: string[];
  itemRoute?: string;
  /** Without an item route under the collection: DELETE routes elsewhere whose item read may show the same object. */
  siblings?: string[];
  /** A string only this request sent: a new object holding it is the probe's. */
  marker?: string;
}

export interface JournalEntry extends Intent {
  seq: number;
  /** Set once the write's answer proves it created this object (an id absent from every read before). */
  created?: { id: string; itemPath: string; deletePath?: string };
  settled?: 'restored' | 'residue' | 'nothing to undo';
  note?: string;
}

type Line = { seq: number; intent: Intent } | { seq: number; created: NonNullable<JournalEntry['created']> } | { seq: number; settled: NonNullable<JournalEntry['settled']>; note?: string };

export class Journal {
  private seq = 0;
  private started: boolean;

  /**
   * A journal at `file`, created (replacing any file there) with its first entry, so a run that writes nothing leaves
   * no file; with `resume`, appends to the one there (`probe --undo`). `redact` takes the caller's credentials out of
   * each line's values (values the server holds stay: undo needs them).
   */
  constructor(readonly file: string, private readonly header: { target: string }, private readonly redact: <T>(line: T) => T, resume = false) {
    this.started = resume;
  }

  /** Whether anything was journalled (the file exists). */
  get written(): boolean {
    return this.seq > 0 || this.started;
  }

  /** Records the write before it is sent; returns its number. */
  intend(intent: Intent): number {
    this.seq++;
    this.append({ seq: this.seq, intent });
    return this.seq;
  }

  created(seq: number, created: NonNullable<JournalEntry['created']>): void {
    this.append({ seq, created });
  }

  settle(seq: number, settled: NonNullable<JournalEntry['settled']>, note?: string): void {
    this.append({ seq, settled, ...(note ? { note } : {}) });
  }

  private append(line: Line): void {
    if (!this.started) {
      mkdirSync(dirname(this.file), { recursive: true });
      // The default folder keeps itself out of version control, as Ruff's cache folder does.
      const ignore = join(dirname(this.file), '.gitignore');
      if (basename(dirname(this.file)) === '.massassign' && !existsSync(ignore)) writeFileSync(ignore, '*\n');
      writeFileSync(this.file, `${JSON.stringify({ massassign: 'probe-journal', version: 1, target: this.header.target, started: new Date().toISOString() })}\n`, { mode: 0o600 });
      this.started = true;
    }
    appendFileSync(this.file, `${JSON.stringify(this.redact(line))}\n`);
  }
}

/** The journal's entries, last state of each, in the order written; a torn last line (a kill mid-write) is ignored. */
export function readJournal(file: string): { target: string; entries: JournalEntry[] } {
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const parsed = lines.flatMap((line) => {
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
  const header = parsed.find((p) => p.massassign === 'probe-journal');
  if (!header) throw new Error(`${file} is not a massassign probe journal`);
  const entries = new Map<number, JournalEntry>();
  for (const p of parsed) {
    if (typeof p.seq !== 'number') continue;
    const line = p as unknown as Line;
    if ('intent' in line) entries.set(line.seq, { seq: line.seq, ...line.intent });
    const entry = entries.get(line.seq);
    if (!entry) continue;
    if ('created' in line) entry.created = line.created;
    if ('settled' in line) Object.assign(entry, { settled: line.settled, note: line.note });
  }
  return { target: String(header.target), entries: [...entries.values()] };
}
