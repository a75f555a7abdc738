"""`python -m dashboard.public export DIR` (dashboard.public.site.cli)."""

from __future__ import annotations

import sys

from dashboard.public.site.cli import main

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
