"""`socialrx validate`: load ontology, data and shapes; report SHACL results per focus node."""

from __future__ import annotations

import sys
from pathlib import Path

EXIT_CONFORMS, EXIT_VIOLATIONS, EXIT_UNREADABLE = 0, 1, 2


def register(sub):
    p = sub.add_parser("validate", help="check the data against the SHACL shapes", description=__doc__)
    p.add_argument("--root", type=Path, help="folder holding ontology/, data/ and shapes/ (default: the installed knowledge base)")
    p.add_argument("--format", choices=("text", "turtle", "json"), default="text", help="report format (default: text)")
    p.add_argument("files", nargs="*", type=Path, help="validate only these data files (with the ontology) instead of the whole knowledge base")
    p.set_defaults(func=run)


def run(args) -> int:
    """Validate and exit 0 (conforms), 1 (violations) or 2 (unreadable input)."""
    from ..kb import KBError, kb_files
    from ..validate import load_and_validate

    try:
        files = None
        if args.files:
            missing = [f for f in args.files if not f.is_file()]
            if missing:
                print(f"{missing[0]}: no such file", file=sys.stderr)
                return EXIT_UNREADABLE
            files = [f for f in kb_files(args.root) if f.parent.name == "ontology"] + list(args.files)
        kb, report = load_and_validate(args.root, files=files)
    except KBError as e:
        print(f"{e}", file=sys.stderr)
        print("Fix the syntax at that line and run `socialrx validate` again.", file=sys.stderr)
        return EXIT_UNREADABLE
    for line in kb.report.lines(kb.root):
        print(line, file=sys.stderr if args.format != "text" else sys.stdout)
    if args.format == "json":
        print(report.as_json())
    elif args.format == "turtle":
        print(report.turtle())
    else:
        print(report.text())
    return EXIT_CONFORMS if report.conforms else EXIT_VIOLATIONS
