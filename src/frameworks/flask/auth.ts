// Authentication of each route: API key (and how it travels), other (session, JWT, basic) or none,
// from the view's decorators, class-level decorators and before_request hooks.
import { refs, type Value } from '../../dataflow/facts.js';
import type { Engine } from '../../dataflow/engine.js';
import type { Expr, ModuleIR, Stmt } from '../../python/ir.js';
import { forEachExpr, walkExpr } from '../../python/walk.js';

import type { AuthInfo } from '../../result.js';
import { childBodies, type ClassInfo, type FunctionInfo } from '../../semantic/project.js';
import { classAssignment, classBases } from '../../dataflow/classes.js';
import { externalPaths, tagged } from '../access.js';
import { APP, BLUEPRINT, HTTP_AUTH, within, type BlueprintData } from './app.js';
import { forEachCall, type DiscoveredRoute } from './routes.js';

/** Expression walks here enter nested functions: a decorator's check sits in its wrapper. */
const NESTED = { nestedFunctions: true };

const KEY_NAME = /key|token/i;
const CONFIGURED = 'configured decorator';
const OTHER_DECORATORS: [RegExp, string][] = [
  [/^flask_login\.(utils\.)?(login_required|fresh_login_required)$/, 'session (flask-login)'],
  [/^flask_jwt_extended\.(jwt_required|fresh_jwt_required)/, 'JWT (flask-jwt-extended)'],
  [/^flask_security\.(auth_required|login_required|roles_required)/, 'flask-security'],
];

interface Hook {
  auth: AuthInfo;
  blueprint?: BlueprintData;
  /** Paths and endpoint names the hook lets through without a key. */
  exempt: Set<string>;
  adminOnly: boolean;
}

export class AuthResolver {
  private readonly cache = new Map<string, AuthInfo | null>();
  private readonly hooks: Hook[];

  constructor(private readonly engine: Engine, apiKeyDecorators: readonly string[] = []) {
    this.apiKeyDecorators = new Set(apiKeyDecorators);
    this.hooks = this.findHooks();
  }

  private readonly apiKeyDecorators: Set<string>;

  authOf(route: DiscoveredRoute, rule: string): AuthInfo {
    const decorators: { expr: Expr; module: ModuleIR }[] = route.handler.def.decorators.map((expr) => ({ expr, module: route.handler.module }));
    decorators.push(...(route.wrappers ?? []));
    for (let c = route.blueprint, seen = new Set<BlueprintData>(); c && !seen.has(c); c = c.parents[0]) {
      seen.add(c);
      for (const d of c.decorators) {
        const module = this.engine.project.module(d.module);
        if (module) decorators.push({ expr: d.expr, module });
      }
    }
    if (route.viewClass) {
      for (const name of ['decorators', 'method_decorators']) {
        // the nearest class (the view, then its project bases) that sets the list
        const owner = this.lineage(route.viewClass).find((c) => classAssignment(c, name));
        const list = owner && classAssignment(owner, name);
        if (list?.t === 'seq') for (const expr of list.items) decorators.push({ expr, module: owner!.module });
        if (list?.t === 'dict') for (const e of list.entries) if ('value' in e && e.value.t === 'seq') for (const expr of e.value.items) decorators.push({ expr, module: owner!.module });
      }
    }
    let found: AuthInfo | undefined;
    let adminOnly = false;
    for (const d of decorators) {
      const auth = this.decoratorAuth(d.expr, d.module);
      adminOnly ||= this.decoratorAdmin(d.expr, d.module);
      if (found?.via === CONFIGURED) continue;
      if (auth && (!found || auth.kind === 'api_key')) found = auth;
    }
    found ??= route.auth;
    for (const hook of this.hooks) {
      if (hook.blueprint && !within(route.blueprint, hook.blueprint)) continue;
      if (hook.exempt.has(rule) || hook.exempt.has(route.handler.def.name)) continue;
      adminOnly ||= hook.adminOnly;
      found ??= hook.auth;
    }
    // a key check called (or written) in the view's own body: `require_key()` before anything else
    if (!found) {
      const inline = this.functionAuth(route.handler);
      if (inline?.kind === 'api_key' && KEY_NAME.test(inline.via ?? '')) found = inline;
    }
    // an admin check needs a known caller: whoever set it up authenticated them, even where we cannot see how
    if (adminOnly) return { ...(found ?? { kind: 'other', via: 'admin check' }), adminOnly: true };
    return found ?? { kind: 'none' };
  }

  /** A class and its project bases, nearest first. */
  private lineage(cls: ClassInfo, seen = new Set<string>()): ClassInfo[] {
    if (seen.has(cls.qname)) return [];
    seen.add(cls.qname);
    const bases = classBases(cls, this.engine).flatMap((b) => refs(b)).flatMap((r) => (r.type === 'class' ? [this.engine.project.classes.get(r.cls) ?? []].flat() : []));
    return [cls, ...bases.flatMap((b) => this.lineage(b, seen))];
  }

  /** Whether a decorator lets only admins through: a project guard that tests the admin flag or role, or roles_required('admin'). */
  private decoratorAdmin(expr: Expr, module: ModuleIR): boolean {
    const target = expr.t === 'call' ? expr.fn : expr;
    const value = this.engine.evaluateInModule(module.name, target);
    if (externalPaths(value).some((p) => ADMIN_DECORATORS.test(p)) && /admin|superuser|root/i.test(module.source.slice(expr.s, expr.e))) return true;
    return refs(value).some((r) => {
      const fn = r.type === 'function' ? this.engine.project.functions.get(r.fn) : undefined;
      return fn !== undefined && isAdminGuard(fn, module.source.slice(expr.s, expr.e));
    });
  }

  private decoratorAuth(expr: Expr, module: ModuleIR): AuthInfo | undefined {
    const target = expr.t === 'call' ? expr.fn : expr;
    const value = this.engine.evaluateInModule(module.name, target);
    const text = module.source.slice(expr.s, expr.e);
    if ([...this.apiKeyDecorators].some((q) => text === q || externalPaths(value).includes(q) || refs(value).some((r) => r.type === 'function' && r.fn === q))) {
      return { kind: 'api_key', via: CONFIGURED };
    }
    // `@authenticate(token_auth)` (APIFairy): the authenticator it is given
    if (expr.t === 'call') {
      for (const arg of expr.args) {
        const given = tagged(this.engine.evaluateInModule(module.name, arg.value), HTTP_AUTH)[0]?.data as AuthInfo | undefined;
        if (given) return given;
      }
    }
    if (expr.t === 'attr' || (expr.t === 'call' && expr.fn.t === 'attr')) {
      const base = this.engine.evaluateInModule(module.name, (target as Extract<Expr, { t: 'attr' }>).obj);
      const auth = tagged(base, HTTP_AUTH)[0]?.data as AuthInfo | undefined;
      if (auth && /login_required/.test(text)) return auth;
    }
    for (const path of externalPaths(value)) {
      const other = OTHER_DECORATORS.find(([re]) => re.test(path));
      if (other) return { kind: 'other', via: other[1] };
    }
    for (const r of refs(value)) {
      if (r.type === 'function') {
        const fn = this.engine.project.functions.get(r.fn);
        const auth = fn && this.functionAuth(fn);
        if (auth) return auth;
      }
    }
    return undefined;
  }

  /** Reads a function (and the functions nested in it or called by it) for where it takes a credential from. */
  functionAuth(fn: FunctionInfo, depth = 0): AuthInfo | undefined {
    const cached = this.cache.get(fn.qname);
    if (cached !== undefined) return cached ?? undefined;
    this.cache.set(fn.qname, null);
    const source = fn.module.source.slice(fn.def.s, fn.def.e);
    let found: AuthInfo | undefined;
    // a decorator's wrapper reads the key inside its nested function
    forEachExpr(fn.def.body, (e) => {
      if (found?.kind === 'api_key') return;
      const read = credentialRead(e, source, fn.def.s);
      if (read) found = classify(read, source, () => refusesOn(fn, e)) ?? found;
    }, NESTED);
    if (!found && /\bin\s+session\b|\bsession\s*(\[|\.get\()/.test(source)) found = { kind: 'other', via: 'session' };
    if (!found && /\bjwt\.decode\(|verify_jwt_in_request\(/.test(source)) found = { kind: 'other', via: 'JWT' };
    if (!found && /request\.authorization\b/.test(source)) found = { kind: 'other', via: 'HTTP basic auth' };
    if (!found && depth < 2) {
      forEachExpr(fn.def.body, (e) => {
        if (found || e.t !== 'call') return;
        for (const r of refs(this.engine.evaluateInModule(fn.module.name, e.fn))) {
          const callee = r.type === 'function' ? this.engine.project.functions.get(r.fn) : undefined;
          if (callee && callee !== fn) found = this.functionAuth(callee, depth + 1) ?? found;
        }
      }, NESTED);
    }
    this.cache.set(fn.qname, found ?? null);
    return found;
  }

  private findHooks(): Hook[] {
    const hooks: Hook[] = [];
    const add = (fn: FunctionInfo | undefined, owner: Value) => {
      const admin = fn !== undefined && isAdminGuard(fn);
      const auth = fn && (this.functionAuth(fn) ?? (admin ? { kind: 'other' as const, via: 'admin check' } : undefined));
      if (!auth) return;
      const blueprint = tagged(owner, BLUEPRINT)[0]?.data as BlueprintData | undefined;
      if (!blueprint && tagged(owner, APP).length === 0 && refs(owner).length > 0 && externalPaths(owner).length === 0) return;
      hooks.push({ auth, blueprint, exempt: exemptions(fn!), adminOnly: admin });
    };
    for (const fn of this.engine.project.functions.values()) {
      for (const d of fn.def.decorators) {
        if (d.t === 'attr' && /^before_(app_)?request$/.test(d.name)) {
          const owner = this.engine.evaluateInModule(fn.module.name, d.obj);
          add(fn, d.name === 'before_app_request' ? [] : owner);
        }
      }
    }
    for (const module of this.engine.project.modules.values()) {
      if (module.entry && BEFORE_REQUEST.test(module.source)) forEachCall(module.body, (call) => {
        if (call.fn.t !== 'attr' || !/^before_(app_)?request$/.test(call.fn.name) || !call.args[0]) return;
        const owner = this.engine.evaluateInModule(module.name, call.fn.obj);
        for (const r of refs(this.engine.evaluateInModule(module.name, call.args[0].value))) {
          if (r.type === 'function') add(this.engine.project.functions.get(r.fn), owner);
        }
      });
    }
    return hooks;
  }
}

/** What a module that registers a request hook holds (only such a module is walked for one). */
const BEFORE_REQUEST = /\bbefore_(app_)?request\b/;

type CredentialRead = { where: 'header' | 'query' | 'cookie'; name: string };

/** Headers a request carries for other reasons than identifying the caller. */
const NOT_CREDENTIALS = /^(content-type|content-length|accept(-\w+)?|user-agent|host|origin|referer|x-forwarded-[\w-]+|x-real-ip|x-requested-with|x-request-id|if-(match|none-match)|cache-control)$/i;
/** A refusal: `abort(401)`, `return ..., 403`, `raise Unauthorized`, `status=401`. */
const REFUSAL = /\babort\(\s*(401|403)\b|,\s*(401|403)\s*\)?\s*$|status(_code)?\s*=\s*(401|403)\b|\b(Unauthorized|Forbidden)\b|HTTPStatus\.(UNAUTHORIZED|FORBIDDEN)|\bmake_response\([^\n]*\b(401|403)\b/m;
/** A test of the caller's admin flag or role. */
const ADMIN_TEST = new RegExp([
  /\.(is_admin|is_superuser|is_staff|superuser|admin)\b/, // user.is_admin
  /(?<![.'"\w])(is_admin|is_superuser|is_staff|admin|superuser)\b(?![.'"])/, // is_admin(), `if not admin:`
  /\w*(is_admin|is_superuser)\w*\(/, // current_user_is_admin()
  /(\[\s*|\.get\(\s*)['"](is_admin|admin|is_superuser|is_staff)['"]/, // claims["is_admin"], session.get("is_admin")
].map((r) => r.source).join('|'));
/** A role test, an admin guard when the role it wants is an admin's (in the test or the decorator's arguments). */
const ROLE_TEST = /\b(roles?|has_role|permissions?|scopes?)\b/;
const ADMIN_ROLE = /['"](admin|administrator|superuser|root|staff)['"]/i;
const ADMIN_DECORATORS = /^(flask_security\.(decorators\.)?roles_(required|accepted)|flask_principal\.Permission)/;

/** `request.headers.get(X)`, `request.headers[X]`, `request.args.get(X)`, `request.cookies.get(X)`: where a credential comes from. */
function credentialRead(e: Expr, source: string, offset: number): CredentialRead | undefined {
  let container: Expr | undefined;
  let key: Expr | undefined;
  if (e.t === 'call' && e.fn.t === 'attr' && e.fn.name === 'get' && e.args[0]) {
    container = e.fn.obj;
    key = e.args[0].value;
  } else if (e.t === 'sub') {
    container = e.obj;
    key = e.index;
  }
  if (!container || !key || container.t !== 'attr') return undefined;
  const name = key.t === 'str' ? key.v : source.slice(key.s - offset, key.e - offset);
  if (container.name === 'headers' && !NOT_CREDENTIALS.test(name)) return { where: 'header', name };
  if (container.name === 'args' || container.name === 'values') return { where: 'query', name };
  if (container.name === 'cookies') return { where: 'cookie', name };
  return undefined;
}

/** What a credential read means: by its name, or by what the function does with it (refuses with 401/403). */
function classify(read: CredentialRead, source: string, refusesOnIt: () => boolean): AuthInfo | undefined {
  const refuses = !KEY_NAME.test(read.name) && refusesOnIt();
  if (read.where !== 'header') return KEY_NAME.test(read.name) || refuses ? { kind: 'api_key', via: `${read.where} ${read.name}` } : undefined;
  if (/^authorization$/i.test(read.name)) {
    if (/\bjwt\.decode\(|decode_token\(/.test(source)) return { kind: 'other', via: 'JWT' };
    if (/['"]Basic\b/.test(source) && !/['"](Bearer|Token|ApiKey|Api-Key)\b/i.test(source)) return { kind: 'other', via: 'HTTP basic auth' };
    return { kind: 'api_key', via: 'header Authorization' };
  }
  if (KEY_NAME.test(read.name) || refuses) return { kind: 'api_key', via: `header ${read.name}` };
  return undefined;
}

/**
 * Whether the function refuses (401/403) on a test of what `read` returned: the read itself, or a variable
 * assigned from it (or from a lookup of it), in an `if` whose branch, or what follows it, refuses.
 */
function refusesOn(fn: FunctionInfo, read: Expr): boolean {
  const src = fn.module.source;
  const readText = src.slice(read.s, read.e);
  const names = new Set<string>();
  const mentions = (text: string) => text.includes(readText) || [...names].some((n) => new RegExp(`\\b${n}\\b`).test(text));
  const ifs: { test: string; rest: string }[] = [];
  const visit = (body: Stmt[]) => {
    body.forEach((stmt) => {
      if (stmt.t === 'assign' && mentions(src.slice(stmt.value.s, stmt.value.e))) for (const t of stmt.targets) if (t.t === 'name') names.add(t.id);
      if (stmt.t === 'if') ifs.push({ test: src.slice(stmt.test.s, stmt.test.e), rest: src.slice(stmt.s, (body[body.length - 1] ?? stmt).e) });
      if (stmt.t === 'def') visit(stmt.fn.body);
      for (const child of childBodies(stmt)) visit(child);
    });
  };
  visit(fn.def.body);
  return ifs.some((i) => mentions(i.test) && REFUSAL.test(i.rest));
}

/** Whether a function (a decorator with its wrapper, or a hook) refuses callers who are not admins. */
function isAdminGuard(fn: FunctionInfo, usage = ''): boolean {
  let guard = false;
  const visit = (body: Stmt[]) => {
    body.forEach((stmt) => {
      if (stmt.t === 'if') {
        const test = fn.module.source.slice(stmt.test.s, stmt.test.e);
        // the refusal sits in the branch, or after it (`if is_admin: return view(); abort(403)`)
        const branch = fn.module.source.slice(stmt.s, (body[body.length - 1] ?? stmt).e);
        const admin = ADMIN_TEST.test(test) || (ROLE_TEST.test(test) && ADMIN_ROLE.test(test + usage));
        if (admin && REFUSAL.test(branch)) guard = true;
      }
      if (stmt.t === 'def') visit(stmt.fn.body);
      for (const child of childBodies(stmt)) visit(child);
    });
  };
  visit(fn.def.body);
  return guard;
}

/** Early returns in a hook guarded by `request.path == '/health'` or `request.endpoint in (...)`. */
function exemptions(fn: FunctionInfo): Set<string> {
  const out = new Set<string>();
  for (const stmt of fn.def.body) {
    if (stmt.t !== 'if' || !stmt.body.some((s) => s.t === 'return')) continue;
    walkExpr(stmt.test, (e) => {
      if (e.t !== 'cmp') return;
      const subject = fn.module.source.slice(e.left.s, e.left.e);
      if (!/request\.(path|endpoint|url_rule)/.test(subject)) return;
      if (e.right.t === 'str') out.add(e.right.v);
      if (e.right.t === 'seq') for (const i of e.right.items) if (i.t === 'str') out.add(i.v);
    });
  }
  return out;
}
