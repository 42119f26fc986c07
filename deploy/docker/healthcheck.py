"""Container health check: GET /readyz of the Polku service this container runs.

Usage: `polku-healthcheck [SERVICE]`. Without SERVICE it reads the service name from the
container's main process (`polku run SERVICE`). The port comes from `POLKU_<SERVICE>_PORT`
or the default port of that service. Only the standard library: it runs in the slim image.
"""

from __future__ import annotations

import os
import sys
import urllib.request

DEFAULT_PORTS = {"intake": 8001, "caseplan": 8002, "matching": 8003, "reporting": 8004, "web": 8000}


def service_of_main_process(cmdline: str = "/proc/1/cmdline") -> str | None:
    """The SERVICE in `polku run SERVICE` of the container's first process, if any."""
    try:
        with open(cmdline, "rb") as f:
            args = f.read().decode(errors="replace").split("\0")
    except OSError:
        return None
    return next((a for a in args if a in DEFAULT_PORTS), None)


def readiness_url(service: str) -> str:
    """Where the service answers /readyz inside its own container."""
    port = os.environ.get(f"POLKU_{service.upper()}_PORT") or str(DEFAULT_PORTS[service])
    host = os.environ.get("POLKU_HEALTHCHECK_HOST", "127.0.0.1")
    return f"http://{host}:{port}/readyz"


def main(argv: list[str]) -> int:
    """Exit 0 when the service reports ready, 1 otherwise."""
    service = argv[1] if len(argv) > 1 else service_of_main_process()
    if service not in DEFAULT_PORTS:
        print(f"polku-healthcheck: unknown service {service!r}", file=sys.stderr)
        return 1
    url = readiness_url(service)
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            ok = response.status == 200
    except Exception as exc:
        print(f"polku-healthcheck: {url}: {exc}", file=sys.stderr)
        return 1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
