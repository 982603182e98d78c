// Docs text shared by every rule: the standard references, the common questions, and the Flask
// app skeleton (API key from `X-API-Key`, Flask-SQLAlchemy) that each rule's example is written in.

export const CWE_915 = 'CWE-915: Improperly Controlled Modification of Dynamically-Determined Object Attributes — https://cwe.mitre.org/data/definitions/915.html';
export const OWASP_API3 = 'OWASP API3:2023 Broken Object Property Level Authorization — https://owasp.org/API-Security/editions/2023/en/0xa3-broken-object-property-level-authorization/';
export const OWASP_CHEAT_SHEET = 'OWASP Mass Assignment Cheat Sheet — https://cheatsheetseries.owasp.org/cheatsheets/Mass_Assignment_Cheat_Sheet.html';

/** Why an API key does not help, for every rule's "why is this bad". */
export const API_KEY_IS_NOT_AUTHORISATION =
  'An API key does not prevent this. A key authenticates who calls; it does not authorise which fields they write. ' +
  'Every customer, integration and leaked CI secret holding a valid key can send the extra fields.';

export const API_KEY_FAQ = {
  question: "Isn't an API key enough?",
  answer:
    'No. The key proves the request comes from a known client; it says nothing about which attributes that client may change. ' +
    'Keys are handed to customers, embedded in scripts and leaked in logs, so treat every key holder as able to send any JSON body. ' +
    'Authorisation of fields has to happen in the handler, by choosing the fields the server accepts.',
};

export const DENYLIST_FAQ = {
  question: 'Is a denylist, `hasattr` or `_`-prefix filter enough?',
  answer:
    'No. `hasattr(obj, key)` and "is it a column" checks pass for every column, including `is_admin` and `api_key`; ' +
    "a `_`-prefix filter only hides Python's private names, never a column. A denylist (`if key in ('id',): continue`) " +
    'protects the fields someone remembered when it was written and silently opens every column added later. ' +
    'massassign reports exactly the fields a denylist leaves open. Use an allowlist: name the fields a client may write.',
};

export const LEGITIMATE_FIELDS_FAQ = {
  question: 'What about fields the client legitimately needs to set?',
  answer:
    'List them. The allowlist is the fields a legitimate client already sends (a name, a description); everything else is set by the server ' +
    '(`owner_id` from the caller\'s key, `created_at` from the clock) or through a separate endpoint with its own authorisation check, ' +
    'such as an admin-only route for `rate_limit`.',
};

export const FALSE_POSITIVE_FAQ = {
  question: 'How do I silence a finding that is not a problem?',
  answer:
    'Read the trace first: it shows each step from the request to the write. If a field massassign calls sensitive is meant to be client-writable, ' +
    'pass `--not-sensitive <field>` (or set `not-sensitive` in `.massassign.toml`). To accept one sink, put `# massassign: ignore[<code>]` ' +
    'on its line, with a comment saying why.',
};

/** The common questions, in the order every rule page shows them after its own. */
export const COMMON_FAQ = [API_KEY_FAQ, DENYLIST_FAQ, LEGITIMATE_FIELDS_FAQ, FALSE_POSITIVE_FAQ];

/** The app, the `ApiKey` table and the `require_api_key` decorator (key from `X-API-Key`, its record on `g.api_key`). */
const SKELETON = `
app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///:memory:"
db = SQLAlchemy(app)


class ApiKey(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    key = db.Column(db.String(64), unique=True, nullable=False)
    scope = db.Column(db.String(200), nullable=False)


def require_api_key(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        record = ApiKey.query.filter_by(key=request.headers.get("X-API-Key")).first()
        if record is None:
            abort(401)
        g.api_key = record
        return view(*args, **kwargs)

    return wrapper


`;

/** A complete Flask app: the imports (plus `imports`, standard library first), the skeleton above, then `body`. */
export function flaskApp(body: string, imports: { stdlib?: string; libraries?: string } = {}): string {
  const stdlib = imports.stdlib ? `${imports.stdlib}\n` : '';
  const libraries = imports.libraries ? `${imports.libraries}\n` : '';
  return `${stdlib}from functools import wraps\n\nfrom flask import Flask, abort, g, jsonify, request\nfrom flask_sqlalchemy import SQLAlchemy\n${libraries}${SKELETON}${body.trim()}\n`;
}

/** The part of a `flaskApp` file after the skeleton: what a short listing needs to show. */
export function appBody(source: string): string {
  const end = source.indexOf(SKELETON);
  return end < 0 ? source : source.slice(end + SKELETON.length);
}

/** The ways to fix mass assignment in Flask, shown with every rule after its own example. */
export const FLASK_FIXES: { title: string; text: string }[] = [
  {
    title: 'An explicit allowlist',
    text:
      'Name the fields a client may write, `EDITABLE_FIELDS = ("display_name",)`, and copy only those: ' +
      '`for key in EDITABLE_FIELDS: if key in data: setattr(obj, key, data[key])`, or pass them by name to the constructor.',
  },
  {
    title: 'A strict marshmallow schema',
    text:
      'One input schema per write that declares only the client-writable fields, with `unknown = RAISE`; fields the client may only read are ' +
      '`dump_only=True`. Load the body with it and write the loaded dict.',
  },
  {
    title: 'A pydantic input model',
    text:
      'Only the client-writable fields, and `extra = Extra.forbid` (v1) or `model_config = ConfigDict(extra="forbid")` (v2); ' +
      'write `body.dict(exclude_unset=True)` / `body.model_dump(exclude_unset=True)`.',
  },
  {
    title: 'Server-set fields',
    text:
      "Set ownership, limits and privileges on the server, from the caller's key or from policy (`owner_id=g.api_key.id`), never from the body. " +
      "A requested scope or role must be in a server-side set of grantable values and among the caller's own.",
  },
];
