#!/usr/bin/env python3
"""Build the archive: content/ -> site/ (HTML pages, JSON export, search index).

    python build.py [--content DIR] [--out DIR] [--serve [PORT]]

Stages, in order (each a module of src/resarchive): read, clean, segment, parse, link,
render, index, export. Errors name the file and line; the old site stays in place unless
the whole build succeeds.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from resarchive.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
