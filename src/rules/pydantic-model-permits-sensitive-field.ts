// MA106: a pydantic model that allows extra fields or declares a sensitive one, whose .dict()/.model_dump() reaches a write.
import type { Rule } from './rule.js';
import { blockedClause, fieldsOrSensitive } from './remediation-text.js';
import { pydanticFix } from '../fix/library-edits.js';
import { fieldWriteMessage } from './describe.js';
import { API_KEY_IS_NOT_AUTHORISATION, COMMON_FAQ, CWE_915, OWASP_API3, OWASP_CHEAT_SHEET, flaskApp } from './shared-docs.js';

const MODEL = `class Webhook(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    url = db.Column(db.String(300), nullable=False)
    event = db.Column(db.String(40), nullable=False)
    owner_id = db.Column(db.Integer, db.ForeignKey("api_key.id"), nullable=False)
    is_verified = db.Column(db.Boolean, default=False)
`;

export const pydanticModelPermitsSensitiveField: Rule = {
  code: 'MA106',
  name: 'pydantic-model-permits-sensitive-field',
  docs: {
    summary: 'A pydantic model allows extra fields or declares a sensitive one, and its `.dict()` / `.model_dump()` is written to a database model.',
    whatItDoes:
      'Flags writes (`Model(**body.dict())`, a setattr loop over `body.model_dump()`) whose keys come from a pydantic model that either allows extra fields ' +
      '(`extra = Extra.allow`, `model_config = ConfigDict(extra="allow")`) or declares a sensitive field, and reports the sensitive columns reached.',
    whyBad:
      'A pydantic request model looks like an allowlist, but with extra fields allowed it passes every key through, and a model that declares `is_verified` or ' +
      '`owner_id` (often because it is reused for responses) accepts them from the client. `.dict()` then hands them to the database model. ' +
      API_KEY_IS_NOT_AUTHORISATION,
    example: flaskApp(`${MODEL}

class WebhookIn(BaseModel):
    url: str
    event: str

    class Config:
        extra = Extra.allow


@app.post("/webhooks")
@require_api_key
def create_webhook():
    body = WebhookIn(**request.get_json())
    webhook = Webhook(owner_id=g.api_key.id)
    for key, value in body.dict().items():
        setattr(webhook, key, value)
    db.session.add(webhook)
    db.session.commit()
    return jsonify(id=webhook.id), 201`, { libraries: 'from pydantic import BaseModel, Extra' }),
    useInstead: flaskApp(`${MODEL}

class WebhookIn(BaseModel):
    url: str
    event: str

    class Config:
        extra = Extra.forbid


@app.errorhandler(ValidationError)
def reject_invalid_body(error):
    return jsonify(errors=error.errors()), 400


@app.post("/webhooks")
@require_api_key
def create_webhook():
    body = WebhookIn(**request.get_json())
    webhook = Webhook(owner_id=g.api_key.id)
    for key, value in body.dict().items():
        setattr(webhook, key, value)
    db.session.add(webhook)
    db.session.commit()
    return jsonify(id=webhook.id), 201`, { libraries: 'from pydantic import BaseModel, Extra, ValidationError' }),
    proof: {
      method: 'post', path: '/webhooks',
      attack: { url: 'https://example.test/hook', event: 'push', is_verified: true }, stored: '[w.is_verified for w in m.Webhook.query.all()]', attacked: [true],
      legitimate: { url: 'https://example.test/b', event: 'push' }, legitimateStored: '[w.url for w in m.Webhook.query.all()]', legitimateValue: ['https://example.test/b'],
    },
    references: [
      CWE_915,
      OWASP_API3,
      OWASP_CHEAT_SHEET,
      'pydantic v1 model config: extra — https://docs.pydantic.dev/1.10/usage/model_config/',
      'pydantic v2 ConfigDict.extra — https://docs.pydantic.dev/latest/api/config/#pydantic.config.ConfigDict.extra',
    ],
    faq: [
      ...COMMON_FAQ,
      {
        question: "pydantic ignores extra fields by default; when does this apply?",
        answer:
          'When the model opts in with `extra = Extra.allow` (v1) or `extra="allow"` (v2), or when it declares a sensitive field itself, for example a model ' +
          'shared between input and output. Keep one input model per write with only the client-writable fields and `extra = Extra.forbid`, so stray keys raise a validation error instead of being dropped silently.',
      },
    ],
  },
  claims: (hit) => hit.bound === 'pydantic' && hit.kind !== 'schema-load' && hit.kind !== 'privilege-value',
  message: (hit, fields) => fieldWriteMessage(hit, fields, 'are passed through a pydantic model that permits them'),
  remediation: (_hit, fields) =>
    `Make the request model strict${blockedClause(fields)}: remove ${fieldsOrSensitive(fields)} from it, ignore or forbid extra fields (v1: class Config: extra = Extra.ignore or Extra.forbid; v2: model_config = ConfigDict(extra="forbid")), and set those fields on the server.`,
  fix: pydanticFix,
};
