// Finds `# massassign: ignore` and `# massassign: ignore[MA101, setattr-from-request]` comments in Python
// source, skipping anything inside string literals (docstrings included).

export interface IgnoreComment {
  /** 1-based line of the comment. */
  line: number;
  /** Rule codes or names listed in the brackets; empty for a bare ignore, which covers every rule. */
  rules: string[];
  /** Nothing but the comment on its line: it then also covers the line after it. */
  ownLine: boolean;
}

const directive = /#\s*massassign:\s*ignore(?![\w-])(?:\[([^\]]*)\])?/i;

export function findIgnoreComments(source: string): IgnoreComment[] {
  const comments: IgnoreComment[] = [];
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (char === '\n') {
      line++;
      lineStart = i + 1;
    } else if (char === '#') {
      const end = source.indexOf('\n', i);
      const text = source.slice(i, end === -1 ? source.length : end);
      const match = directive.exec(text);
      if (match) {
        const rules = (match[1] ?? '').split(',').map((rule) => rule.trim()).filter(Boolean);
        comments.push({ line, rules, ownLine: source.slice(lineStart, i).trim() === '' });
      }
      i += text.length - 1;
    } else if (char === '"' || char === "'") {
      const quote = source.startsWith(char.repeat(3), i) ? char.repeat(3) : char;
      const close = stringEnd(source, i + quote.length, quote);
      for (let j = i; j < close; j++) {
        if (source[j] === '\n') {
          line++;
          lineStart = j + 1;
        }
      }
      i = close - 1;
    }
  }
  return comments;
}

/** Index just past the closing `quote`; a one-line string also ends at its line's end (unterminated). */
function stringEnd(source: string, from: number, quote: string): number {
  for (let i = from; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source.startsWith(quote, i)) return i + quote.length;
    else if (quote.length === 1 && source[i] === '\n') return i;
  }
  return source.length;
}
