"""The DuckDB warehouse: schema and migrations, and every SQL query of the project.

SQL lives here, one module per domain, values always bound as parameters. `loaders`,
`indicators` and `dashboard` call these functions; none of them writes SQL of its own.
"""

from warehouse.db import WarehouseError, connect, ident, migrate, transaction

__all__ = ["WarehouseError", "connect", "ident", "migrate", "transaction"]
