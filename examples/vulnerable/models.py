"""Database models of the service-config API: the one ServiceConfig row and the API keys that may change it."""
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class ServiceConfig(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    display_name = db.Column(db.String(80), nullable=False, default="My service")
    api_key = db.Column(db.String(64), nullable=False)
    rate_limit = db.Column(db.Integer, nullable=False, default=100)
    debug_mode = db.Column(db.Boolean, nullable=False, default=False)

    def to_dict(self):
        return {
            "id": self.id,
            "display_name": self.display_name,
            "api_key": self.api_key,
            "rate_limit": self.rate_limit,
            "debug_mode": self.debug_mode,
        }


class ApiKey(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    key = db.Column(db.String(64), unique=True, nullable=False)
    scope = db.Column(db.String(200), nullable=False, default="config:read")

    def to_dict(self):
        return {"id": self.id, "key": self.key, "scope": self.scope}
