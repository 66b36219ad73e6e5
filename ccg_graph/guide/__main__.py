"""``python -m ccg_graph.guide``: regenerate docs/research-guide.md and docs/figures/ from the built graph."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ccg_graph.client import Client
from ccg_graph.core.config import PROJECT_ROOT, get_settings
from ccg_graph.core.errors import CCGGraphError
from ccg_graph.guide.render import make_guide
from ccg_graph.guide.serving import serving


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ccg_graph.guide", description=__doc__)
    parser.add_argument("--endpoint", help="a SPARQL endpoint holding the graph (default: serve the built graph)")
    parser.add_argument("--build-dir", type=Path, help="the built graph to serve (default: the settings')")
    parser.add_argument("--page", type=Path, default=PROJECT_ROOT / "docs" / "research-guide.md")
    parser.add_argument("--figures", type=Path, help="where the PNGs go (default: figures/ beside the page)")
    args = parser.parse_args(argv)
    figures = args.figures or args.page.parent / "figures"
    settings = get_settings()
    if args.build_dir is not None:
        settings = settings.model_copy(update={"build_dir": args.build_dir})
    try:
        if args.endpoint:
            answers = make_guide(Client(args.endpoint), args.page, figures)
        else:
            if not settings.store_dir.exists():
                raise CCGGraphError(f"no built graph in {settings.build_dir}: run `ccg-graph build` first")
            with serving(settings) as url:
                answers = make_guide(Client(url), args.page, figures)
    except CCGGraphError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    for done in answers:
        print(f"{done.question.slug}: {len(done.frame)} rows in {done.seconds:.1f} s -> {done.figure}")
    print(f"wrote {args.page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
