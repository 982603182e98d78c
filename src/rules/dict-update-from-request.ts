// MA103: obj.__dict__.update(data) and vars(obj).update(data) overwrite an object's attributes with whatever keys the caller sends.
import type { Rule } from './rule.js';
import { fieldWriteMessage } from './describe.js';
import { API_KEY_IS_NOT_AUTHORISATION, COMMON_FAQ, CWE_915, OWASP_API3, OWASP_CHEAT_SHEET, flaskApp } from './shared-docs.js';

const MODEL = `class Project(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(120), nullable=False)
    description = db.Column(db.Text)
    owner_id = db.Column(db.Integer, db.ForeignKey("api_key.id"), nullable=False)
    is_public = db.Column(db.Boolean, default=False)


def find_project(project_id):
    project = db.session.get(Project, project_id)
    if project is None or project.owner_id != g.api_key.id:
        abort(404)
    return project
`;

export const dictUpdateFromRequest: Rule = {
  code: 'MA103',
  name: 'dict-update-from-request',
  docs: {
    summary: "The request body is merged into an object's `__dict__`, so the caller overwrites any attribute, columns and internals alike.",
    whatItDoes:
      'Flags `obj.__dict__.update(data)` and `vars(obj).update(data)` when `data` holds keys the caller chose, and reports the sensitive fields of the object\'s model those keys reach.',
    whyBad:
      'Updating `__dict__` is a setattr loop with no filter at all: it skips properties and validators and can overwrite any attribute, ' +
      'including ones the code trusts later in the same request (`owner_id`, `is_public`) and, on SQLAlchemy models, the `_sa_instance_state` bookkeeping itself. ' +
      API_KEY_IS_NOT_AUTHORISATION,
    example: flaskApp('', `${MODEL}

@app.patch("/projects/<int:project_id>")
@require_api_key
def update_project(project_id):
    project = find_project(project_id)
    project.__dict__.update(request.get_json())
    db.session.commit()
    return jsonify(title=project.title, is_public=project.is_public)`),
    useInstead: flaskApp('', `${MODEL}

@app.patch("/projects/<int:project_id>")
@require_api_key
def update_project(project_id):
    project = find_project(project_id)
    data = request.get_json()
    if "title" in data:
        project.title = data["title"]
    if "description" in data:
        project.description = data["description"]
    db.session.commit()
    return jsonify(title=project.title, is_public=project.is_public)`),
    references: [CWE_915, OWASP_API3, OWASP_CHEAT_SHEET, 'Python data model: object.__dict__ — https://docs.python.org/3/reference/datamodel.html#object.__dict__'],
    faq: [
      ...COMMON_FAQ,
      {
        question: 'SQLAlchemy does not track changes made through `__dict__`; is this still a problem?',
        answer:
          'Yes. The overwritten values are what the rest of the request sees: the response, later permission checks and any attribute set normally afterwards. ' +
          'Whether a write reaches the database depends on what else changes, which is no defence. Assign the allowed fields by name.',
      },
    ],
  },
  claims: (hit) => hit.kind === 'dict-update' && hit.bound === undefined,
  message: (hit, fields) => fieldWriteMessage(hit, fields, 'are merged into its __dict__'),
};
