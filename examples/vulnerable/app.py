"""Service-config API (vulnerable twin): any key holder can rewrite every config field and mint keys of any scope."""
import os
import secrets
import tempfile

from flask import Flask, g, jsonify, request

from auth import require_api_key
from models import ApiKey, ServiceConfig, db

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.environ.get(
    "DATABASE", os.path.join(tempfile.gettempdir(), "example.sqlite")
)
db.init_app(app)


def seed():
    db.create_all()
    if ServiceConfig.query.first() is None:
        db.session.add(ServiceConfig(id=1, display_name="Payments relay", api_key=secrets.token_hex(16)))
    if ApiKey.query.first() is None:
        db.session.add(ApiKey(key="demo-key", scope="config:write"))
    db.session.commit()


@app.route("/health")
def health():
    return jsonify(status="ok")


@app.route("/config", methods=["GET"])
@require_api_key
def read_config():
    return jsonify(db.session.get(ServiceConfig, 1).to_dict())


@app.route("/config", methods=["POST"])
@require_api_key
def update_config():
    config = db.session.get(ServiceConfig, 1)
    data = request.get_json(force=True)
    for key, value in data.items():
        if key == "id":
            continue
        setattr(config, key, value)
    db.session.commit()
    return jsonify(config.to_dict())


@app.route("/keys", methods=["POST"])
@require_api_key
def create_key():
    data = request.get_json(force=True)
    new_key = ApiKey(key=secrets.token_urlsafe(24), scope=data.get("scope", "config:read"))
    db.session.add(new_key)
    db.session.commit()
    return jsonify(new_key.to_dict()), 201


@app.route("/keys/<int:key_id>", methods=["DELETE"])
@require_api_key
def revoke_key(key_id):
    record = db.session.get(ApiKey, key_id)
    if record is None:
        return jsonify(error="no such key"), 404
    if record.id == g.api_key.id:
        return jsonify(error="cannot revoke the key in use"), 400
    db.session.delete(record)
    db.session.commit()
    return "", 204


if __name__ == "__main__":
    with app.app_context():
        seed()
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "5000")))
