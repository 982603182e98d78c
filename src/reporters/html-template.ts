// A tagged template for HTML that escapes every interpolated value unless it is already markup,
// so no text from a scanned project (field names, paths, notes, evidence) can become markup.

/** Markup built by `html`; only this passes through unescaped. */
export class Markup {
  constructor(readonly text: string) {}
}

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => entities[char]);
}

function render(value: unknown): string {
  if (value instanceof Markup) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/** `html\`<td>${name}</td>\``: strings, numbers and nested arrays are escaped; Markup is kept. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Markup {
  return new Markup(strings.reduce((out, chunk, index) => out + render(values[index - 1]) + chunk));
}
