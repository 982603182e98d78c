// MA201: a key-issuing endpoint (or any write) stores a client-chosen scope, role or permission without checking the caller may grant it.
import type { Rule } from './rule.js';
import { codeBlock } from './remediation-text.js';
import { scopeCheckFix } from '../fix/library-edits.js';
import { caller, target, via } from './describe.js';
import { API_KEY_IS_NOT_AUTHORISATION, API_KEY_FAQ, CWE_915, FALSE_POSITIVE_FAQ, OWASP_API3, OWASP_CHEAT_SHEET, flaskApp } from './shared-docs.js';

/** The key-issuing app, with `check` (the lines that vet the requested scope) before the key is created. */
function issueKeyApp(constants: string, check: string): string {
  return flaskApp(`${constants}
@app.post("/keys")
@require_api_key
def issue_key():
    requested = request.get_json().get("scope", "")
${check}    key = ApiKey(key=secrets.token_urlsafe(32), scope=requested)
    db.session.add(key)
    db.session.commit()
    return jsonify(id=key.id, key=key.key, scope=key.scope), 201`, { stdlib: 'import secrets' });
}

export const clientChosenScope: Rule = {
  code: 'MA201',
  name: 'client-chosen-scope',
  docs: {
    summary: 'An endpoint stores a client-supplied scope, role or permission without checking that it is allowed and held by the caller.',
    whatItDoes:
      'Flags writes of a request value into a `scope`, `scopes`, `permissions`, `role` or `roles` field, typically in an endpoint that issues API keys or tokens, ' +
      'unless the value is checked against both a server-side set of grantable values and the caller\'s own grants. A check against the allowed set alone is reported too, ' +
      'since it still lets a narrow key mint a broader one.',
    whyBad:
      'Here the attacker does not choose which field is written but what privilege it holds: a key with scope `config:read` asks for a new key with `admin` ' +
      'and receives it. That is privilege escalation through a property the client should never control. ' +
      API_KEY_IS_NOT_AUTHORISATION,
    example: issueKeyApp('', ''),
    useInstead: issueKeyApp(
      'GRANTABLE_SCOPES = {"config:read", "config:write"}\n\n',
      `    caller_scopes = set(g.api_key.scope.split())
    if requested not in GRANTABLE_SCOPES or requested not in caller_scopes:
        abort(403)
`,
    ),
    proof: {
      method: 'post', path: '/keys',
      attack: { scope: 'admin' }, stored: 'sorted(k.scope for k in m.ApiKey.query.all())', attacked: ['admin', 'config:write'],
      legitimate: { scope: 'config:write' }, legitimateStored: 'sorted(k.scope for k in m.ApiKey.query.all())', legitimateValue: ['config:write', 'config:write'],
    },
    references: [
      CWE_915,
      OWASP_API3,
      OWASP_CHEAT_SHEET,
      'CWE-269: Improper Privilege Management — https://cwe.mitre.org/data/definitions/269.html',
      'OAuth 2.0 (RFC 6749) §3.3: the server may issue a narrower scope than requested — https://www.rfc-editor.org/rfc/rfc6749#section-3.3',
    ],
    faq: [
      API_KEY_FAQ,
      {
        question: 'I check the requested scope against a list of valid scopes. Is that enough?',
        answer:
          'No. A list of valid scopes stops typos, not escalation: `admin` is valid. Also require that the caller already holds every requested scope ' +
          '(`requested <= set(g.api_key.scope.split())`), so a key can only mint keys narrower than itself.',
      },
      {
        question: 'What about endpoints where an administrator legitimately assigns roles?',
        answer:
          'Then check, before the write, that the caller holds the right to grant that role (an admin scope) and the role itself. ' +
          'A check against the caller\'s own grants, such as `g.api_key.scope`, is what this rule looks for.',
      },
      FALSE_POSITIVE_FAQ,
    ],
  },
  claims: (hit) => hit.kind === 'privilege-value',
  message: (hit) => {
    const field = hit.field ?? 'scope';
    const why = hit.allowlistedOnly
      ? `the client's \`${field}\` is checked against the server's allowed values but not against the caller's own, so a caller can grant more than it holds`
      : `the client's \`${field}\` is stored without checking that it is allowed and held by the caller`;
    return `${caller(hit)} can choose the ${field} written to ${target(hit)}${via(hit)}: ${why}.`;
  },
  remediation: (hit) => {
    const field = hit.field ?? 'scope';
    return `Do not store the caller's ${field} as sent. Check it on the server against the values that exist AND against what the caller itself holds, and refuse with 403 otherwise:\n${codeBlock(`requested = set(str(data.get("${field}", "")).split())\nif not requested <= ALLOWED_SCOPES or not requested <= set(g.api_key.${field}.split()):\n    abort(403)`)}`;
  },
  fix: scopeCheckFix,
};
