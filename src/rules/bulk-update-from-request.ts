// MA104: query.update(data), update(M).values(**data) and insert(M).values(data) write the caller's keys as columns in bulk.
import type { Rule } from './rule.js';
import { allowlistLine, blockedClause, codeBlock, writtenMapping } from './remediation-text.js';
import { filterAtSink } from '../fix/sink-edits.js';
import { fieldWriteMessage } from './describe.js';
import { API_KEY_IS_NOT_AUTHORISATION, COMMON_FAQ, CWE_915, OWASP_API3, OWASP_CHEAT_SHEET, flaskApp } from './shared-docs.js';

const MODEL = `class Account(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80), nullable=False)
    email = db.Column(db.String(120))
    credit_limit = db.Column(db.Integer, default=0)
    is_admin = db.Column(db.Boolean, default=False)
`;

export const bulkUpdateFromRequest: Rule = {
  code: 'MA104',
  name: 'bulk-update-from-request',
  docs: {
    summary: 'The request body is passed as the column values of a bulk UPDATE or INSERT, so the caller chooses which columns are written.',
    whatItDoes:
      'Flags `Model.query.filter_by(...).update(data)`, `session.query(Model).update(data)`, `update(Model).values(**data)` and ' +
      '`insert(Model).values(data)` when `data` holds keys the caller chose, and reports the sensitive columns those keys reach.',
    whyBad:
      'A bulk update turns each key into `SET column = value` with no per-attribute code in between: the client sends `is_admin` or `credit_limit` ' +
      'and the database stores it. These statements also skip ORM events and validators, so defences placed there do not run. ' +
      API_KEY_IS_NOT_AUTHORISATION,
    example: flaskApp(`${MODEL}

@app.put("/accounts/<int:account_id>")
@require_api_key
def update_account(account_id):
    Account.query.filter_by(id=account_id).update(request.get_json())
    db.session.commit()
    return jsonify(updated=account_id)`),
    useInstead: flaskApp(`${MODEL}
EDITABLE_FIELDS = ("name", "email")


@app.put("/accounts/<int:account_id>")
@require_api_key
def update_account(account_id):
    data = request.get_json()
    changes = {key: data[key] for key in EDITABLE_FIELDS if key in data}
    Account.query.filter_by(id=account_id).update(changes)
    db.session.commit()
    return jsonify(updated=account_id)`),
    proof: {
      seed: 'm.Account(id=1, name="a")',
      method: 'put', path: '/accounts/1',
      attack: { name: 'b', is_admin: true }, stored: 'm.db.session.get(m.Account, 1).is_admin', attacked: true,
      legitimate: { name: 'b' }, legitimateStored: 'm.db.session.get(m.Account, 1).name', legitimateValue: 'b',
    },
    references: [
      CWE_915,
      OWASP_API3,
      OWASP_CHEAT_SHEET,
      'SQLAlchemy ORM-enabled UPDATE and DELETE — https://docs.sqlalchemy.org/en/20/orm/queryguide/dml.html',
    ],
    faq: [
      ...COMMON_FAQ,
      {
        question: 'Does a `@validates` hook or a model event stop bad values?',
        answer:
          'No. Bulk `UPDATE`/`INSERT` statements go straight to SQL and bypass per-object validators and attribute events. ' +
          'Build the values dict from an allowlist before the statement, as above.',
      },
    ],
  },
  claims: (hit) => hit.kind === 'query-update' && hit.bound === undefined,
  message: (hit, fields) => fieldWriteMessage(hit, fields, 'become the column values of a bulk update'),
  remediation: (hit, fields) => {
    const { name, line } = allowlistLine(hit);
    return `Update only an explicit allowlist of ${hit.model?.name ?? 'the table\'s'} columns${blockedClause(fields)}:\n${codeBlock(`${line}\nvalues = {key: value for key, value in ${writtenMapping(hit)}.items() if key in ${name}}`)}\nthen pass values to the update, and scope the query to rows the caller owns.`;
  },
  fix: (hit, context) => filterAtSink(hit, context, 'the update values'),
};
