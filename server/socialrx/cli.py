"""The `socialrx` command: one subcommand per module in socialrx.commands."""

from __future__ import annotations

import argparse
import importlib
import sys

# Each module defines register(subparsers), which adds its subcommand and sets `func`.
COMMANDS = ("serve", "validate", "query", "find", "build_site", "importer", "enrich", "links", "review")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="socialrx", description="An open knowledge graph of UK social prescribing and navigation schemes.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"socialrx.commands.{name}")
        except ModuleNotFoundError as e:
            if e.name != f"socialrx.commands.{name}":
                raise
            continue
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
