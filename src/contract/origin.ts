// Where a value comes from, read off the syntax of one function: the caller's request, the authenticated
// principal, a generated secret, the clock, a constant or a server computation. The contract's evidence is built on it.
import type { Expr, FunctionDef, Stmt } from '../python/ir.js';
import { childBodies } from '../semantic/project.js';

export type Origin = 'request' | 'principal' | 'generated' | 'clock' | 'constant' | 'computed' | 'header' | 'unknown';

/** Origins that say "the server chose this value". */
export const SERVER_ORIGINS: ReadonlySet<Origin> = new Set(['principal', 'generated', 'clock', 'constant', 'computed']);
/** Server origins that read as a default or a derived value, not as "only the server may set this": a client write outweighs them. */
export const WEAK_ORIGINS: ReadonlySet<Origin> = new Set(['constant', 'computed']);

export const ORIGIN_WORDS: Record<Origin, string> = {
  request: 'the request',
  principal: "the caller's identity",
  generated: 'a generated or hashed value',
  clock: 'the clock',
  constant: 'a constant',
  computed: 'a server computation',
  header: 'a request header',
  unknown: 'an unknown value',
};

const REQUEST_BODY = /^(json|form|args|values|data|files|get_json|get_data|json_body|body|parsed_args|validated_data|validated)$/;
const REQUEST_PRINCIPAL = /^(user|principal|api_key|apikey|key|client|tenant|account|identity|current_user|auth_user|partner|org)$/;
const PRINCIPAL_NAMES = /^(current_user|current_identity|current_tenant|current_account|current_org|current_partner|current_client|current_key|current_api_key|g)$/;
const PRINCIPAL_CALL = /^(get_jwt_identity|get_current_\w+|current_\w+|_?get_current_user|get_jwt|verify_jwt_in_request|authenticated_\w+|_?authenticate\w*|_?lookup_(api_)?key|_?load_(api_)?key|_?resolve_(api_)?key|_?require_(api_)?key)$/;
const GENERATED_CALL = /^(token_hex|token_urlsafe|token_bytes|urandom|uuid[14]|uuid|getrandbits|randbits|gen_salt|generate_password_hash|hashpw|hash_password|make_password|encrypt|hexdigest|digest|sha256|sha1|md5|blake2b|generate_\w*(key|token|secret|id|code)\w*|new_\w*(key|token|secret)\w*|create_\w*(token|key|secret)\w*|random_\w+|randint|choice|choices|hash)$/;
const CLOCK_CALL = /(^|_)(utcnow|now|today)$|^(time|monotonic|current_timestamp|localtime|gmtime|timestamp_now)$/;
/** A WTForms/Flask-WTF form instantiated in a view holds what the client posted. */
const FORM_CLASS = /^[A-Z]\w*Form$/;
const PASS_THROUGH = /^(str|int|float|bool|Decimal|strip|lower|upper|title|get|pop|getlist|copy|dict|list|set|tuple|sorted|bleach|clean|escape|parse|fromisoformat|strptime|loads)$/;
const REQUEST_PARAM = /^(data|payload|body|json_data|json_body|req_data|request_data|params|form_data|values|attrs|fields|changes|updates|patch|raw|incoming)$/;

/** Decorators that pass the parsed request to the view as arguments (webargs, flask-smorest, apiflask, flask-pydantic). */
const INJECTS_REQUEST = /^(use_kwargs|use_args|arguments|input|validate|validate_json|expects_json|body|parse_args|accepts)$/;

function calleeName(expr: Expr): string {
  const callee = expr.t === 'call' ? expr.fn : expr;
  return callee.t === 'name' ? callee.id : callee.t === 'attr' ? callee.name : '';
}

/** Origins of the names a function binds, joined in statement order; answers `of(expr)` for any expression in it. */
export class Origins {
  private readonly env = new Map<string, Origin>();

  constructor(fn: FunctionDef | undefined, private readonly principalFunctions: (name: string) => boolean) {
    if (!fn) return;
    const injected = fn.decorators.some((d) => INJECTS_REQUEST.test(calleeName(d)));
    for (const p of fn.params) if (REQUEST_PARAM.test(p.name) || (injected && p.name !== 'self')) this.env.set(p.name, 'request');
    this.bind(fn.body);
  }

  /** Origins of module-level code (no parameters). */
  static ofBody(body: Stmt[], principalFunctions: (name: string) => boolean): Origins {
    const origins = new Origins(undefined, principalFunctions);
    origins.bind(body);
    return origins;
  }

  private bind(body: Stmt[]): void {
    for (const stmt of body) {
      if (stmt.t === 'assign') {
        const origin = this.of(stmt.value);
        for (const target of stmt.targets) this.assign(target, origin);
      } else if (stmt.t === 'for') {
        this.assign(stmt.target, this.of(stmt.iter));
      } else if (stmt.t === 'with') {
        for (const item of stmt.items) if (item.target) this.assign(item.target, this.of(item.value));
      }
      for (const child of childBodies(stmt)) this.bind(child);
    }
  }

  private assign(target: Expr, origin: Origin): void {
    if (target.t === 'name') {
      // a name that once held request data stays the caller's: the join favours the request
      const before = this.env.get(target.id);
      if (before === 'request') return;
      this.env.set(target.id, before && before !== 'unknown' && origin === 'unknown' ? before : origin);
    } else if (target.t === 'seq') {
      for (const item of target.items) this.assign(item, origin === 'constant' ? 'constant' : origin === 'request' ? 'request' : 'unknown');
    }
  }

  of(expr: Expr): Origin {
    switch (expr.t) {
      case 'str':
      case 'num':
      case 'const':
        return 'constant';
      case 'seq':
        return expr.items.every((i) => this.of(i) === 'constant') ? 'constant' : join(expr.items.map((i) => this.of(i)));
      case 'dict':
        return expr.entries.length === 0 ? 'constant' : join(expr.entries.map((e) => ('spread' in e ? this.of(e.spread) : this.of(e.value))));
      case 'name':
        if (this.env.has(expr.id)) return this.env.get(expr.id)!;
        return PRINCIPAL_NAMES.test(expr.id) ? 'principal' : 'unknown';
      case 'attr':
        return this.ofAttribute(expr);
      case 'sub':
        return this.passThrough(this.of(expr.obj));
      case 'call':
        return this.ofCall(expr);
      case 'ternary':
        return join([this.of(expr.then), this.of(expr.else)]);
      case 'bool':
        return join([this.of(expr.left), this.of(expr.right)]);
      case 'other': {
        const parts = expr.parts.map((p) => this.of(p));
        if (parts.includes('request')) return 'request';
        return parts.length === 1 ? parts[0]! : parts.length > 1 ? 'computed' : 'unknown';
      }
      default:
        return 'unknown';
    }
  }

  private ofAttribute(expr: Extract<Expr, { t: 'attr' }>): Origin {
    if (expr.obj.t === 'name' && expr.obj.id === 'request') {
      if (REQUEST_BODY.test(expr.name)) return 'request';
      if (REQUEST_PRINCIPAL.test(expr.name)) return 'principal';
      if (expr.name === 'headers' || expr.name === 'authorization' || expr.name === 'cookies') return 'header';
      return 'unknown';
    }
    if (expr.obj.t === 'name' && (expr.obj.id === 'datetime' || expr.obj.id === 'date') && expr.name === 'max') return 'constant';
    // `flask_login.current_user.id`, `flask.g.user`
    if (expr.name !== 'g' && PRINCIPAL_NAMES.test(expr.name)) return 'principal';
    if (expr.obj.t === 'name' && expr.obj.id === 'flask' && expr.name === 'g') return 'principal';
    return this.passThrough(this.of(expr.obj));
  }

  private ofCall(call: Extract<Expr, { t: 'call' }>): Origin {
    const name = call.fn.t === 'name' ? call.fn.id : call.fn.t === 'attr' ? call.fn.name : '';
    if (GENERATED_CALL.test(name)) return 'generated';
    if (CLOCK_CALL.test(name)) return 'clock';
    if (PRINCIPAL_CALL.test(name) || (call.fn.t === 'name' && this.principalFunctions(name))) return 'principal';
    if (FORM_CLASS.test(name)) return 'request';
    const args = call.args.map((a) => this.of(a.value));
    if (call.fn.t === 'attr') {
      const receiver = this.of(call.fn.obj);
      // a record looked up by the caller's credential is the caller (`ApiKey.query.filter_by(key=header).first()`)
      if (receiver === 'header' && name === 'get') return 'header';
      if (args.includes('header') || receiver === 'principal') return 'principal';
      if (receiver === 'request') return PASS_THROUGH.test(name) || REQUEST_BODY.test(name) ? 'request' : 'unknown';
      if (call.fn.obj.t === 'name' && call.fn.obj.id === 'request' && REQUEST_BODY.test(name)) return 'request';
    }
    if (args.includes('header')) return 'principal';
    if (call.fn.t === 'attr') return 'unknown';
    // `str(uuid4())`, `int(data["qty"])`: a conversion keeps where its argument came from
    if (PASS_THROUGH.test(name) && args.length > 0) return args.includes('request') ? 'request' : args[0]!;
    return 'unknown';
  }

  /** Reading into a value keeps where it came from (`g.user.id`, `data["name"]`, `data.get("name")`). */
  private passThrough(origin: Origin): Origin {
    return origin === 'request' || origin === 'principal' || origin === 'header' ? origin : 'unknown';
  }
}

/** The origin of a value that is one of several: the request if any is, else one server origin if all agree. */
function join(origins: Origin[]): Origin {
  if (origins.includes('request')) return 'request';
  const set = new Set(origins);
  if (set.size === 1) return origins[0]!;
  if ([...set].every((o) => SERVER_ORIGINS.has(o))) return 'computed';
  return 'unknown';
}

/** Does this function return the caller's identity (`def current_tenant(): return g.tenant`)? */
export function returnsPrincipal(fn: FunctionDef, principalFunctions: (name: string) => boolean): boolean {
  const origins = new Origins(fn, principalFunctions);
  const returns: Expr[] = [];
  const collect = (body: Stmt[]) => {
    for (const stmt of body) {
      if (stmt.t === 'return' && stmt.value && !(stmt.value.t === 'const' && stmt.value.v === 'None')) returns.push(stmt.value);
      for (const child of childBodies(stmt)) collect(child);
    }
  };
  collect(fn.body);
  return returns.length > 0 && returns.some((r) => origins.of(r) === 'principal');
}
