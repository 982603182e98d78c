// MA107: a flask-restful reqparse parser that declares a sensitive argument whose parsed value reaches a model.
import type { Rule } from './rule.js';
import { allowlistLine, fieldsOrSensitive } from './remediation-text.js';
import { reqparseFix } from '../fix/library-edits.js';
import { fieldWriteMessage } from './describe.js';
import { API_KEY_IS_NOT_AUTHORISATION, COMMON_FAQ, CWE_915, OWASP_API3, OWASP_CHEAT_SHEET, flaskApp } from './shared-docs.js';

const MODEL = `class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), nullable=False)
    email = db.Column(db.String(120))
    is_admin = db.Column(db.Boolean, default=False)
`;

export const reqparseDeclaresSensitiveArgument: Rule = {
  code: 'MA107',
  name: 'reqparse-declares-sensitive-argument',
  docs: {
    summary: 'A flask-restful `reqparse` parser declares a sensitive argument, and the parsed arguments are written to a model.',
    whatItDoes:
      'Reads the arguments a `reqparse.RequestParser` declares with `add_argument` as the keys the caller controls, follows `parser.parse_args()` to a write ' +
      '(`User(**args)`, a setattr loop) and reports the declared arguments that are sensitive columns of the model.',
    whyBad:
      '`parse_args()` returns every declared argument, so a parser that declares `is_admin` (copied from an admin form, or added "for later") ' +
      'lets any client set it. reqparse checks types, not who may send which argument. ' +
      API_KEY_IS_NOT_AUTHORISATION,
    example: flaskApp(`${MODEL}

user_parser = reqparse.RequestParser()
user_parser.add_argument("username", type=str, required=True)
user_parser.add_argument("email", type=str)
user_parser.add_argument("is_admin", type=bool, default=False)


@app.post("/users")
@require_api_key
def create_user():
    args = user_parser.parse_args()
    user = User(**args)
    db.session.add(user)
    db.session.commit()
    return jsonify(id=user.id), 201`, { libraries: 'from flask_restful import reqparse' }),
    useInstead: flaskApp(`${MODEL}

user_parser = reqparse.RequestParser()
user_parser.add_argument("username", type=str, required=True)
user_parser.add_argument("email", type=str)


@app.post("/users")
@require_api_key
def create_user():
    args = user_parser.parse_args()
    user = User(**args)
    db.session.add(user)
    db.session.commit()
    return jsonify(id=user.id), 201`, { libraries: 'from flask_restful import reqparse' }),
    proof: {
      method: 'post', path: '/users',
      attack: { username: 'u', is_admin: true }, stored: '[u.is_admin for u in m.User.query.all()]', attacked: [true],
      legitimate: { username: 'v', email: 'v@example.test' }, legitimateStored: '[u.username for u in m.User.query.all()]', legitimateValue: ['v'],
    },
    references: [
      CWE_915,
      OWASP_API3,
      OWASP_CHEAT_SHEET,
      'Flask-RESTful request parsing — https://flask-restful.readthedocs.io/en/latest/reqparse.html',
    ],
    faq: [
      ...COMMON_FAQ,
      {
        question: 'reqparse drops arguments it does not declare; is that not an allowlist?',
        answer:
          'It is, and it is only as good as its list. Declare only the arguments a client may write; give sensitive ones their own parser on an endpoint that checks the caller may change them. ' +
          'Flask-RESTful marks reqparse as slated for removal; marshmallow or pydantic input models, held to the same rule, are the maintained alternatives.',
      },
    ],
  },
  claims: (hit) => hit.bound === 'reqparse' && hit.kind !== 'schema-load' && hit.kind !== 'privilege-value',
  message: (hit, fields) => fieldWriteMessage(hit, fields, 'are declared by a reqparse parser and written to it'),
  remediation: (hit, fields) => {
    const { fields: safe } = allowlistLine(hit);
    return `Remove the add_argument() calls for ${fieldsOrSensitive(fields)} from this endpoint's parser and set them on the server${safe.length ? `; the parser may declare ${safe.join(', ')}` : ''}.`;
  },
  fix: reqparseFix,
};
