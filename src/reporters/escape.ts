// Strings from scanned code or a server, made safe for a terminal or CI log: control characters (ANSI
// escapes, carriage returns, bidi overrides) become visible `\xNN` / `\u{...}` text; line breaks too unless kept.

const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const CONTROL_AND_NEWLINE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const visible = (ch: string) => {
  const code = ch.codePointAt(0)!;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
};

/** One line of untrusted text: every control character, line breaks included, made visible. */
export function escapeLine(text: string): string {
  return text.replace(CONTROL_AND_NEWLINE, visible);
}

/** Untrusted text whose line breaks are kept (remediations quote code); other controls made visible. */
export function escapeKeepingLines(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(CONTROL, visible);
}

/** A deep copy with every string escaped as one line, except the keys listed, which keep their line breaks. */
export function escapeStrings<T>(value: T, keepLines: ReadonlySet<string> = new Set(), key = ''): T {
  if (typeof value === 'string') return (keepLines.has(key) ? escapeKeepingLines(value) : escapeLine(value)) as T;
  if (Array.isArray(value)) return value.map((item) => escapeStrings(item, keepLines, key)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeStrings(v, keepLines, k)])) as T;
  }
  return value;
}
