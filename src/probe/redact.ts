// Keeps secrets out of everything the probe prints or returns: every occurrence, raw or URL-encoded, becomes <redacted>.
export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string): void {
    if (secret.length < 4) return;
    this.secrets.add(secret);
    this.secrets.add(encodeURIComponent(secret));
  }

  text(value: string): string {
    let out = value;
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join('<redacted>');
    return out;
  }

  /** A deep copy of any JSON value with every string redacted. */
  json<T>(value: T): T {
    if (typeof value === 'string') return this.text(value) as T;
    if (Array.isArray(value)) return value.map((item) => this.json(item)) as T;
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.text(k), this.json(v)])) as T;
    }
    return value;
  }
}
