"""Serving a built site on localhost (``build.py --serve``), for reading it as a user would.

Stage: serving, after the build. May import: the standard library.

Any static file server will do in production; this one only adds the JSON and JavaScript
content types and keeps quiet about each request.
"""

from __future__ import annotations

import functools
import http.server
import sys
from pathlib import Path


def serve(root: Path, port: int) -> int:
    handler = functools.partial(_QuietHandler, directory=str(root))
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        print(f"error: cannot listen on port {port}: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"Serving {root} on http://localhost:{port}/ (Ctrl+C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".json": "application/json",
        ".js": "text/javascript",
    }

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass
