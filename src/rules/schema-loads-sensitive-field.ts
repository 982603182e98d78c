// MA105: a marshmallow schema that loads onto a model, lets unknown keys through, or declares a sensitive field.
import type { Rule } from './rule.js';
import { allowlistLine, blockedClause, fieldsOrSensitive } from './remediation-text.js';
import { marshmallowFix } from '../fix/library-edits.js';
import { fieldWriteMessage } from './describe.js';
import { API_KEY_IS_NOT_AUTHORISATION, COMMON_FAQ, CWE_915, OWASP_API3, OWASP_CHEAT_SHEET, flaskApp } from './shared-docs.js';

const MODEL = `class Member(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80), nullable=False)
    email = db.Column(db.String(120))
    role = db.Column(db.String(20), default="viewer")
`;

export const schemaLoadsSensitiveField: Rule = {
  code: 'MA105',
  name: 'schema-loads-sensitive-field',
  docs: {
    summary: 'A marshmallow schema lets the caller write a sensitive field: it declares one, loads onto a model instance, or includes unknown keys.',
    whatItDoes:
      'Flags `schema.load(data, instance=obj)` and `load_instance=True` auto-schemas (which cover every column), schemas with `unknown = INCLUDE`, ' +
      'and writes whose keys are bounded by a schema that still declares a sensitive field. massassign reads the schema\'s declared fields ' +
      '(minus `dump_only` ones) as the keys the caller controls and reports the sensitive ones.',
    whyBad:
      'A schema is an allowlist only if it lists the right fields. `SQLAlchemyAutoSchema` generates a field for every column, and a hand-written schema ' +
      'shared between reading and writing usually declares `role` or `owner_id` so it can show them; loading with it lets the client write them. ' +
      API_KEY_IS_NOT_AUTHORISATION,
    example: flaskApp(`${MODEL}

class MemberSchema(Schema):
    name = fields.String(required=True)
    email = fields.Email()
    role = fields.String()


@app.patch("/members/<int:member_id>")
@require_api_key
def update_member(member_id):
    member = db.get_or_404(Member, member_id)
    for key, value in MemberSchema().load(request.get_json(), partial=True).items():
        setattr(member, key, value)
    db.session.commit()
    return MemberSchema().dump(member)`, { libraries: 'from marshmallow import Schema, fields' }),
    useInstead: flaskApp(`${MODEL}

class MemberSchema(Schema):
    name = fields.String(required=True)
    email = fields.Email()
    role = fields.String(dump_only=True)


class MemberUpdateSchema(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String()
    email = fields.Email()


@app.errorhandler(ValidationError)
def reject_invalid_body(error):
    return jsonify(errors=error.messages), 400


@app.patch("/members/<int:member_id>")
@require_api_key
def update_member(member_id):
    member = db.get_or_404(Member, member_id)
    for key, value in MemberUpdateSchema().load(request.get_json()).items():
        setattr(member, key, value)
    db.session.commit()
    return MemberSchema().dump(member)`, { libraries: 'from marshmallow import RAISE, Schema, ValidationError, fields' }),
    proof: {
      seed: 'm.Member(id=1, name="a", role="viewer")',
      method: 'patch', path: '/members/1',
      attack: { name: 'b', role: 'admin' }, stored: 'm.db.session.get(m.Member, 1).role', attacked: 'admin',
      legitimate: { name: 'b' }, legitimateStored: 'm.db.session.get(m.Member, 1).name', legitimateValue: 'b',
    },
    references: [
      CWE_915,
      OWASP_API3,
      OWASP_CHEAT_SHEET,
      'marshmallow: handling unknown fields — https://marshmallow.readthedocs.io/en/stable/quickstart.html#handling-unknown-fields',
      'marshmallow: read-only and write-only fields — https://marshmallow.readthedocs.io/en/stable/quickstart.html#read-only-and-write-only-fields',
      'marshmallow-sqlalchemy: load_instance — https://marshmallow-sqlalchemy.readthedocs.io/en/latest/',
    ],
    faq: [
      ...COMMON_FAQ,
      {
        question: 'My schema validates types. Is that not enough?',
        answer:
          'Validation checks that `role` is a string; it does not ask whether this caller may set it. Mark fields a client may only read as ' +
          '`dump_only=True`, or use a separate input schema that declares only the writable fields and `unknown = RAISE`.',
      },
      {
        question: 'What about `SQLAlchemyAutoSchema` with `load_instance=True`?',
        answer:
          'It declares a field for every column, so loading onto an instance writes any column the body names. Exclude the sensitive columns ' +
          '(`exclude = ("role",)`) or declare them `dump_only`, and prefer a hand-written input schema for writes.',
      },
    ],
  },
  claims: (hit) => hit.kind === 'schema-load' || (hit.bound === 'marshmallow' && hit.kind !== 'privilege-value'),
  message: (hit, fields) => fieldWriteMessage(hit, fields, 'are loaded onto it through a marshmallow schema that accepts them'),
  remediation: (hit, fields) => {
    const { fields: safe } = allowlistLine(hit);
    return `Make the schema strict${blockedClause(fields)}: declare ${fieldsOrSensitive(fields)} dump_only=True (or list them in Meta.dump_only / Meta.exclude), keep unknown=RAISE (or EXCLUDE), and let it load only the fields a client may set${safe.length ? ` (${safe.join(', ')})` : ''}.`;
  },
  fix: marshmallowFix,
};
