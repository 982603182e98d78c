// MA103: obj.__dict__.update(data) and vars(obj).update(data) overwrite an object's attributes with whatever keys the caller sends.
import type { Rule } from './rule.js';
import { allowlistLine, blockedClause, codeBlock, writtenMapping } from './remediation-text.js';
import { filterAtSink, setattrGuard } from '../fix/sink-edits.js';
import { fieldWriteMessage } from './describe.js';
import { API_KEY_IS_NOT_AUTHORISATION, COMMON_FAQ, CWE_915, OWASP_API3, OWASP_CHEAT_SHEET, flaskApp } from './shared-docs.js';

const MODEL = `class Project(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(120), nullable=False)
    description = db.Column(db.Text)
    owner_id = db.Column(db.Integer, db.ForeignKey("api_key.id"), nullable=False)
    is_public = db.Column(db.Boolean, default=False)
`;

export const dictUpdateFromRequest: Rule = {
  code: 'MA103',
  name: 'dict-update-from-request',
  docs: {
    summary: "The request body is merged into an object's `__dict__`, so the caller overwrites any attribute, columns and internals alike.",
    whatItDoes:
      'Flags `obj.__dict__.update(data)` and `vars(obj).update(data)` when `data` holds keys the caller chose, and reports the sensitive fields of the object\'s model those keys reach.',
    whyBad:
      'Updating `__dict__` is a setattr loop with no filter at all, one that also skips properties, validators and SQLAlchemy\'s attribute instrumentation. ' +
      'On a new SQLAlchemy object the INSERT reads every column from `__dict__`, so the client\'s `owner_id` replaces the one the server set and `is_public` is stored as sent. ' +
      API_KEY_IS_NOT_AUTHORISATION,
    example: flaskApp(`${MODEL}

@app.post("/projects")
@require_api_key
def create_project():
    project = Project(owner_id=g.api_key.id)
    project.__dict__.update(request.get_json())
    db.session.add(project)
    db.session.commit()
    return jsonify(id=project.id), 201`),
    useInstead: flaskApp(`${MODEL}

@app.post("/projects")
@require_api_key
def create_project():
    data = request.get_json()
    project = Project(title=data["title"], description=data.get("description"), owner_id=g.api_key.id)
    db.session.add(project)
    db.session.commit()
    return jsonify(id=project.id), 201`),
    proof: {
      method: 'post', path: '/projects',
      attack: { title: 't', owner_id: 99, is_public: true }, stored: '[p.owner_id for p in m.Project.query.all()]', attacked: [99],
      legitimate: { title: 'roadmap' }, legitimateStored: '[p.title for p in m.Project.query.all()]', legitimateValue: ['roadmap'],
    },
    references: [CWE_915, OWASP_API3, OWASP_CHEAT_SHEET, 'Python data model: object.__dict__ — https://docs.python.org/3/reference/datamodel.html#object.__dict__'],
    faq: [
      ...COMMON_FAQ,
      {
        question: 'SQLAlchemy does not track changes made through `__dict__`; is this still a problem?',
        answer:
          'Yes. On a new object the INSERT takes every column from `__dict__`, so all the values are stored. On a loaded object the untracked values are ' +
          'what the rest of the request sees (permission checks, the response) until the session expires them. Assign the allowed fields by name.',
      },
    ],
  },
  claims: (hit) => hit.kind === 'dict-update' && hit.bound === undefined,
  message: (hit, fields) => fieldWriteMessage(hit, fields, 'are merged into its __dict__'),
  remediation: (hit, fields) => {
    const { name, line } = allowlistLine(hit);
    return `Merge only an explicit allowlist of ${hit.model?.name ?? 'the object\'s'} fields${blockedClause(fields)}:\n${codeBlock(`${line}\n${hit.targetText || 'obj'}.__dict__.update({key: value for key, value in ${writtenMapping(hit)}.items() if key in ${name}})`)}\nA denylist, hasattr() or a "_" prefix check is not a fix: every column passes them.`;
  },
  fix: (hit, context) => filterAtSink(hit, context, 'the merged mapping') ?? setattrGuard(hit, context),
};
