"""The goal manager's wing (/reportar): an inbox of what is owed, returned or awaiting
validation, and one screen per goal to report a month, raise or update a bottleneck and mark
a milestone. Every entry goes through loaders.entries: the loader's rules, the single writer,
the audit trail."""
