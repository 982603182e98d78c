// MA102: Model(**data) and other calls that assign their keyword arguments let the caller choose the fields of a new or changed record.
import type { Rule } from './rule.js';
import { allowlistLine, blockedClause, codeBlock, writtenMapping } from './remediation-text.js';
import { filterAtSink } from '../fix/sink-edits.js';
import { fieldWriteMessage } from './describe.js';
import { API_KEY_IS_NOT_AUTHORISATION, COMMON_FAQ, CWE_915, OWASP_API3, OWASP_CHEAT_SHEET, flaskApp } from './shared-docs.js';

const MODEL = `class Device(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80), nullable=False)
    location = db.Column(db.String(120))
    owner_id = db.Column(db.Integer, db.ForeignKey("api_key.id"), nullable=False)
    is_approved = db.Column(db.Boolean, default=False)
`;

export const kwargsFromRequest: Rule = {
  code: 'MA102',
  name: 'kwargs-from-request',
  docs: {
    summary: 'The request body is unpacked as keyword arguments into a model constructor or a call that assigns them, so the caller sets any field.',
    whatItDoes:
      'Flags `Model(**data)`, `Model.create(**data)` and any call whose keyword arguments become attributes (SQLAlchemy\'s default constructor, ' +
      'helpers that `setattr` their `**kwargs`) when `data` holds keys the caller chose. It reports the sensitive columns of the model that those keys can reach.',
    whyBad:
      "SQLAlchemy's declarative constructor sets every keyword argument that names an attribute of the class. Unpacking the request body into it lets the client " +
      'create a record it owns on behalf of someone else (`owner_id`), one that is already approved (`is_approved`), or one with a chosen primary key. ' +
      API_KEY_IS_NOT_AUTHORISATION,
    example: flaskApp(`${MODEL}

@app.post("/devices")
@require_api_key
def create_device():
    device = Device(**request.get_json())
    db.session.add(device)
    db.session.commit()
    return jsonify(id=device.id), 201`),
    useInstead: flaskApp(`${MODEL}

@app.post("/devices")
@require_api_key
def create_device():
    data = request.get_json()
    device = Device(name=data["name"], location=data.get("location"), owner_id=g.api_key.id)
    db.session.add(device)
    db.session.commit()
    return jsonify(id=device.id), 201`),
    proof: {
      method: 'post', path: '/devices',
      attack: { name: 'd', owner_id: 99, is_approved: true }, stored: '[d.owner_id for d in m.Device.query.all()]', attacked: [99],
      legitimate: { name: 'd', location: 'lab' }, legitimateStored: '[d.location for d in m.Device.query.all()]', legitimateValue: ['lab'],
      legitimateTodo: 'owner_id is NOT NULL and the example takes it from the client: the allowlist drops it, and only a human can say the server sets it (owner_id=g.api_key.id)',
    },
    references: [
      CWE_915,
      OWASP_API3,
      OWASP_CHEAT_SHEET,
      'SQLAlchemy declarative constructor — https://docs.sqlalchemy.org/en/20/orm/mapping_styles.html#default-constructor',
    ],
    faq: [
      ...COMMON_FAQ,
      {
        question: 'The model has no `__init__`; does the default constructor really accept any column?',
        answer:
          'Yes. The declarative base supplies a constructor that assigns every keyword argument naming an attribute of the class: columns, primary key and foreign keys included. ' +
          'Pass the fields explicitly, and set ownership from the caller (`owner_id=g.api_key.id`), not from the body.',
      },
    ],
  },
  claims: (hit) => hit.kind === 'constructor' && hit.bound === undefined,
  message: (hit, fields) => fieldWriteMessage(hit, fields, 'are unpacked as keyword arguments into its constructor'),
  remediation: (hit, fields) => {
    const { name, line } = allowlistLine(hit);
    const model = hit.model?.name ?? 'the object';
    return `Build ${model} from an allowlist of fields, not from the caller's keys${blockedClause(fields)}:\n${codeBlock(`${line}\n${model}(**{key: value for key, value in ${writtenMapping(hit)}.items() if key in ${name}})`)}\nor load the body with a strict schema (marshmallow with only those fields, or pydantic with extra fields forbidden) first.`;
  },
  fix: (hit, context) => filterAtSink(hit, context, 'the keyword arguments'),
};
