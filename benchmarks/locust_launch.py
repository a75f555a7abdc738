"""`python -m benchmarks.locust_launch ARGS…` runs `locust ARGS…` in this venv.

Why not the `locust` script: locust 2.47 imports `create_urllib3_context` from `urllib3.util`,
where only urllib3 2 has it, while the browser tests' selenium 4.2 (pinned by dash[testing])
needs urllib3 1.26, which keeps the same function in `urllib3.util.ssl_`. The alias below is
the only difference; gevent patches the standard library first, as locust itself would.
Always run as a subprocess: gevent's patching must never reach the pytest process.
"""

from gevent import monkey

monkey.patch_all()

import sys  # noqa: E402
import warnings  # noqa: E402

# selenium asks for urllib3[secure]; urllib3 warns about it on every import.
warnings.filterwarnings("ignore", "'urllib3\\[secure\\]' extra", DeprecationWarning)

import urllib3.util  # noqa: E402
from urllib3.util import ssl_  # noqa: E402

if not hasattr(urllib3.util, "create_urllib3_context"):
    urllib3.util.create_urllib3_context = ssl_.create_urllib3_context  # type: ignore[attr-defined]

from locust.main import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
