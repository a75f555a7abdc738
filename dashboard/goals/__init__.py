"""The goals board (/metas): every goal in one filterable table."""
