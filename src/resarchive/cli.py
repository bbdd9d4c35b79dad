"""Command line of build.py: build a content folder into a site folder, optionally serve it.

Stage: the command line. May import: build, assets, serve, summaries.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from .assets import MissingLibrary
from .build import DEFAULT_CACHE, BuildFailed, build_site
from .summaries import EntryVanished

REPO = Path(__file__).resolve().parents[2]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="build.py", description="Build the resarchive static site.")
    ap.add_argument(
        "--content", type=Path, default=REPO / "content", help="content folder (default content/)"
    )
    ap.add_argument("--out", type=Path, default=REPO / "site", help="output folder (default site/)")
    ap.add_argument(
        "--serve",
        nargs="?",
        const=8000,
        type=int,
        metavar="PORT",
        help="after building, serve the site on http://localhost:PORT (default 8000)",
    )
    ap.add_argument("--no-build", action="store_true", help="with --serve: serve the existing site")
    ap.add_argument("--quiet", action="store_true", help="print only errors and the summary line")
    ap.add_argument(
        "--cache",
        type=Path,
        default=DEFAULT_CACHE,
        metavar="DIR",
        help="parse cache: a file unchanged since a build is not parsed again "
        "(default .cache/resarchive/)",
    )
    ap.add_argument(
        "--no-cache",
        action="store_const",
        const=None,
        dest="cache",
        help="parse every file, read and write no cache",
    )
    ap.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="processes that parse files and write pages (default: one per CPU)",
    )
    ap.add_argument(
        "--stats",
        type=Path,
        metavar="FILE",
        help="also write the build's figures (counts, seconds per stage) as JSON",
    )
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.no_build and args.serve is None:
        print("error: --no-build only makes sense with --serve", file=sys.stderr)
        return 2
    if args.no_build and not (args.out / "index.html").is_file():
        print(
            f"error: {args.out} holds no built site (no index.html): build it first, "
            "or drop --no-build",
            file=sys.stderr,
        )
        return 1
    if not args.no_build and not args.content.is_dir():
        print(
            f"error: content folder {args.content} not found "
            f"({'a file, not a folder' if args.content.exists() else 'no such folder'}); "
            f"{args.out} left unchanged.",
            file=sys.stderr,
        )
        return 1
    if not args.no_build:
        start = time.perf_counter()
        try:
            built = build_site(
                args.content,
                args.out,
                log=None if args.quiet else _log,
                cache=args.cache,
                jobs=args.jobs,
            )
        except BuildFailed as failed:
            for error in failed.errors:
                print(f"error: {error}", file=sys.stderr)
            print(
                f"Build failed: {len(failed.errors)} error(s) in {failed.files} file(s); "
                f"{args.out} left unchanged.",
                file=sys.stderr,
            )
            return 1
        except (MissingLibrary, EntryVanished) as stopped:
            print(f"error: {stopped}", file=sys.stderr)
            print(f"Build failed; {args.out} left unchanged.", file=sys.stderr)
            return 1
        seconds = time.perf_counter() - start
        print(f"Done: {built} in {seconds:.2f} s -> {args.out}")
        if args.stats:
            args.stats.write_text(
                json.dumps({**vars(built), "seconds": seconds}, indent=1) + "\n", encoding="utf-8"
            )
    if args.serve is not None:
        from .serve import serve  # late: http.server is 12 ms of every build's start

        return serve(args.out, args.serve)
    return 0


def _log(message: str) -> None:
    print(message, file=sys.stderr)
