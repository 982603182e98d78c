"""API-key authentication: the X-API-Key header must name a key in the ApiKey table."""
from functools import wraps

from flask import g, jsonify, request

from models import ApiKey


def require_api_key(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        presented = request.headers.get("X-API-Key")
        record = ApiKey.query.filter_by(key=presented).first() if presented else None
        if record is None:
            return jsonify(error="missing or unknown API key"), 401
        g.api_key = record
        return view(*args, **kwargs)

    return wrapper
