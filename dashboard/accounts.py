"""`python -m dashboard.accounts …`: the accounts command, kept at the address the README gives.

The command itself lives in dashboard.security.accounts_cli."""

from __future__ import annotations

import sys

from dashboard.security.accounts_cli import main

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
