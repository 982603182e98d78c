// Keeps secrets out of everything massassign prints: every secret a probe learns (the key, each header and cookie
// given, URL credentials, credential-category values the API shows) joins one registry, and `redactOutput` runs
// over the finished text of every command and format at the output boundary, in raw, URL-, JSON- and HTML-escaped
// forms, in one pass, before anything is cut short.

/** What each escaped form of a secret becomes, so the replacement stays valid in its own context. */
const FORMS: [(s: string) => string, string][] = [
  [(s) => s, '<redacted>'],
  [(s) => encodeURIComponent(s), '%3Credacted%3E'],
  [(s) => new URLSearchParams({ s }).toString().slice(2), '%3Credacted%3E'],
  [(s) => JSON.stringify(s).slice(1, -1), '<redacted>'],
  [(s) => JSON.stringify(JSON.stringify(s).slice(1, -1)).slice(1, -1), '<redacted>'],
  [(s) => s.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39' }[c]};`), '&lt;redacted&gt;'],
];

const regexEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class Redactor {
  private readonly forms = new Map<string, string>();
  private pattern: RegExp | undefined;

  /** Registers a secret of any length (empty strings aside); also in the process-wide registry of `redactOutput`. */
  add(secret: string | undefined): void {
    if (!secret) return;
    for (const [form, replacement] of FORMS) {
      const text = form(secret);
      if (!this.forms.has(text)) {
        this.forms.set(text, replacement);
        this.pattern = undefined;
      }
    }
    if (this !== registry) registry.add(secret);
  }

  text(value: string): string {
    if (this.forms.size === 0) return value;
    this.pattern ??= new RegExp([...this.forms.keys()].sort((a, b) => b.length - a.length).map(regexEscape).join('|'), 'g');
    return value.replace(this.pattern, (hit) => this.forms.get(hit) ?? '<redacted>');
  }

  /** A deep copy of any JSON value with every string value redacted, property names kept (the journal stays readable). */
  values<T>(value: T): T {
    if (typeof value === 'string') return this.text(value) as T;
    if (Array.isArray(value)) return value.map((item) => this.values(item)) as T;
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.values(v)])) as T;
    return value;
  }

  /** A deep copy of any JSON value with every string (keys too) redacted. */
  json<T>(value: T): T {
    if (typeof value === 'string') return this.text(value) as T;
    if (Array.isArray(value)) return value.map((item) => this.json(item)) as T;
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.text(k), this.json(v)])) as T;
    }
    return value;
  }
}

const registry = new Redactor();

/** The output boundary: every secret any probe in this process has learned, redacted from `text`. */
export function redactOutput(text: string): string {
  return registry.text(text);
}

const CREDENTIAL_NAME = /pass(word|wd|phrase)?($|_)|secret|token|api_?key|apikey|^key$|_key$|hash|salt|private|credential|otp|session/i;

/** Whether a property holds a credential (its value is shown as `<redacted, N chars>`, never in clear). */
export function isCredentialName(name: string): boolean {
  return CREDENTIAL_NAME.test(name);
}

/** How a value appears in a report: a credential's value as `<redacted, N chars>` unless it is the probe's own marker. */
export function shown(field: string, value: unknown, marker: string): string {
  if (isCredentialName(field) && typeof value === 'string' && !value.includes(marker)) return `"<redacted, ${value.length} chars>"`;
  return JSON.stringify(value) ?? 'undefined';
}

/** A deep copy with every credential-named string property masked (the probe's markers kept), for reports. */
export function maskCredentials<T>(value: T, marker: string): T {
  if (Array.isArray(value)) return value.map((item) => maskCredentials(item, marker)) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => {
    if (isCredentialName(k) && typeof v === 'string' && !v.includes(marker)) return [k, `<redacted, ${v.length} chars>`];
    return [k, maskCredentials(v, marker)];
  })) as T;
}

/** Registers every credential-named string value in an answer (4 characters or more) as a secret. */
export function learnCredentials(redactor: Redactor, body: unknown, marker: string): void {
  if (Array.isArray(body)) return body.forEach((item) => learnCredentials(redactor, item, marker));
  if (body === null || typeof body !== 'object') return;
  for (const [k, v] of Object.entries(body)) {
    if (isCredentialName(k) && typeof v === 'string' && v.length >= 4 && !v.includes(marker)) redactor.add(v);
    else learnCredentials(redactor, v, marker);
  }
}
