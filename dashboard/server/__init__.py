"""Serving machinery: the app factory, settings, WSGI and gunicorn, first run, vendored assets,
the per-request database access, data-derived defaults, the goal board every goal screen reads,
and the caches."""
