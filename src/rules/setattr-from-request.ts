// MA101: setattr(obj, key, value) in a loop over the request body lets the caller choose which attributes are written.
import type { Rule } from './rule.js';
import { allowlistLine, blockedClause, codeBlock } from './remediation-text.js';
import { setattrGuard } from '../fix/sink-edits.js';
import { fieldWriteMessage } from './describe.js';
import { API_KEY_IS_NOT_AUTHORISATION, COMMON_FAQ, CWE_915, OWASP_API3, OWASP_CHEAT_SHEET, flaskApp } from './shared-docs.js';

const MODEL = `class ServiceConfig(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    display_name = db.Column(db.String(80))
    api_key = db.Column(db.String(64))
    rate_limit = db.Column(db.Integer, default=100)
    debug_mode = db.Column(db.Boolean, default=False)
`;

export const setattrFromRequest: Rule = {
  code: 'MA101',
  name: 'setattr-from-request',
  docs: {
    summary: 'A loop copies the request body onto a model with setattr, so the caller chooses which attributes are written.',
    whatItDoes:
      'Flags `setattr(obj, key, value)` where `key` comes from the request: a loop over `request.get_json().items()`, over its keys, ' +
      'or over a comprehension built from it. massassign follows which keys survive the filters on the way (allowlists, denylists, `pop`) ' +
      'and reports the sensitive columns of the written model that remain writable.',
    whyBad:
      'The client picks the attribute names. Alongside `display_name` it can send `api_key`, `rate_limit` or `debug_mode` and the loop writes them, ' +
      'turning an "edit the label" endpoint into "replace the upstream credential and lift the rate limit". ' +
      API_KEY_IS_NOT_AUTHORISATION,
    example: flaskApp(`${MODEL}

@app.post("/config")
@require_api_key
def update_config():
    config = db.session.get(ServiceConfig, 1)
    for key, value in request.get_json().items():
        if key == "id":
            continue
        setattr(config, key, value)
    db.session.commit()
    return jsonify(display_name=config.display_name)`),
    useInstead: flaskApp(`${MODEL}
EDITABLE_FIELDS = ("display_name",)


@app.post("/config")
@require_api_key
def update_config():
    config = db.session.get(ServiceConfig, 1)
    data = request.get_json()
    for key in EDITABLE_FIELDS:
        if key in data:
            setattr(config, key, data[key])
    db.session.commit()
    return jsonify(display_name=config.display_name)`),
    proof: {
      seed: 'm.ServiceConfig(id=1, display_name="relay", api_key="upstream", rate_limit=100)',
      method: 'post', path: '/config',
      attack: { display_name: 'x', api_key: 'mine', rate_limit: 1000000 }, stored: 'm.db.session.get(m.ServiceConfig, 1).api_key', attacked: 'mine',
      legitimate: { display_name: 'relay 2' }, legitimateStored: 'm.db.session.get(m.ServiceConfig, 1).display_name', legitimateValue: 'relay 2',
    },
    references: [CWE_915, OWASP_API3, OWASP_CHEAT_SHEET, 'Python built-in setattr — https://docs.python.org/3/library/functions.html#setattr'],
    faq: [
      ...COMMON_FAQ,
      {
        question: 'Is a generic `update_from_dict(obj, data)` helper safe if it only sets existing attributes?',
        answer:
          'No: every column is an existing attribute. Give the helper the allowed field names as an argument and loop over those, ' +
          'as `EDITABLE_FIELDS` does above; massassign follows the data into helpers and reports the call site.',
      },
    ],
  },
  claims: (hit) => hit.kind === 'setattr' && hit.bound === undefined,
  message: (hit, fields) => fieldWriteMessage(hit, fields, 'are copied onto it with setattr'),
  remediation: (hit, fields) => {
    const { name, line } = allowlistLine(hit);
    const key = /^setattr\(\s*[^,]+?\s*,\s*([A-Za-z_]\w*)/.exec(hit.sinkText)?.[1] ?? 'key';
    return `Copy only an explicit allowlist of ${hit.model?.name ?? 'the object\'s'} fields${blockedClause(fields)}:\n${codeBlock(`${line}\n...\nif ${key} not in ${name}:\n    continue\n${hit.sinkText}`)}\nA denylist, hasattr() or a "_" prefix check is not a fix: every column passes them.`;
  },
  fix: setattrGuard,
};
