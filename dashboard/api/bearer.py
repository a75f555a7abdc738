"""Who is calling the API: the account of the Bearer token, never the browser's session (the
API is exempt from CSRF precisely because cookies do not authenticate it)."""

from __future__ import annotations

import flask

from dashboard.server import database
from warehouse.accounts import Account
from warehouse.scope import Scope
from warehouse.tokens import account_for_token

SCHEME = "bearer"


def token_of_request() -> str:
    header = flask.request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == SCHEME else ""


def calling_account() -> Account | None:
    """The active account of a working token, read from the published snapshot (a revoked
    token or a disabled account is refused as soon as its change is published)."""
    token = token_of_request()
    if not token:
        return None
    return database.current_database().run(
        Scope.system(), account_for_token, token, record_use=False
    )
