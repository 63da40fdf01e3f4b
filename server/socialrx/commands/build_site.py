"""`socialrx build-site OUT/`: write every page, its RDF twins, the indexes, the sitemap and the assets as static files."""

from __future__ import annotations

import sys
from pathlib import Path


def register(sub):
    p = sub.add_parser("build-site", help="write the site as static files that any web server can serve", description=__doc__)
    p.add_argument("out", type=Path, metavar="OUT", help="folder to write into (created if missing)")
    p.add_argument("--base-url", metavar="URL",
                   help="address the copy will be served from (e.g. https://example.org/socialrx/), for absolute "
                        "canonical links, sitemap and VoID; without it those are relative")
    p.add_argument("--setting", "-s", action="append", default=[], metavar="NAME=VALUE", help="override a setting (repeatable); see /-/settings")
    p.set_defaults(func=run)


def run(args) -> int:
    """Load the knowledge base, render the site through the app and write it to OUT."""
    from ..commands.serve import parse_settings
    from ..kb import KBError
    from ..loading import load_knowledge_base
    from ..settings import Settings
    from ..sitebuild import build_site
    from ..web import create_app

    try:
        settings = Settings(parse_settings(args.setting))
        kb = load_knowledge_base(store_path=settings.store_path, imports=settings.imports_path)
    except (ValueError, KBError) as e:
        print(e, file=sys.stderr)
        return 2
    base_url = args.base_url.rstrip("/") + "/" if args.base_url else None
    app = create_app(settings, kb=kb)
    try:
        report = build_site(app, args.out, base_url=base_url)
    finally:
        app.extensions["socialrx.store"].close()
    return 1 if report.failures else 0
