"""`python -m dashboard.briefings send|alerts` (dashboard.briefings.cli)."""

from __future__ import annotations

import sys

from dashboard.briefings.cli import main

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
