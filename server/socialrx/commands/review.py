"""`socialrx review list | show ID | accept ID | reject ID --reason … | revert ID --reason …` and
`socialrx users add NAME`: the change-and-review workflow from the command line (see socialrx.changes)."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path


def _common(parser) -> None:
    parser.add_argument("--root", type=Path, help="folder holding ontology/, data/ and shapes/ (default: the installed knowledge base)")
    parser.add_argument("--changes-db", type=Path, help="the proposals database (default: .socialrx/changes.sqlite beside data/)")


def _settings(args):
    from ..settings import Settings

    return Settings({"changes_db": str(args.changes_db)} if args.changes_db else {})


def register(subparsers) -> None:
    review = subparsers.add_parser("review", help="list, show, accept, reject or revert proposed changes",
                                   description="Proposed changes to the data, as reported on the site's forms. Accepting "
                                               "validates the change with the shapes and writes it to data/changes/.")
    actions = review.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="pending proposals (or --all)")
    listing.add_argument("--all", action="store_true")
    _common(listing)
    for name, text in (("show", "one proposal with its diff"), ("accept", "validate and write a proposal"),
                       ("reject", "reject a proposal with a reason"), ("revert", "take an accepted change back out")):
        action = actions.add_parser(name, help=text)
        action.add_argument("id")
        _common(action)
        if name in ("reject", "revert"):
            action.add_argument("--reason", required=True)
        if name in ("accept", "reject", "revert"):
            action.add_argument("--as", dest="reviewer", default=getpass.getuser(), help="reviewer name recorded")
    review.set_defaults(func=run_review)

    users = subparsers.add_parser("users", help="reviewer accounts", description="Create reviewer accounts (passwords hashed with Argon2id).")
    user_actions = users.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = user_actions.add_parser("add", help="add a reviewer; asks for the password (or reads it from stdin)")
    add.add_argument("name")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    _common(add)
    users.set_defaults(func=run_users)


def run_users(args) -> int:
    from ..changes import accounts
    from ..changes.queue import QueueError
    from ..changes.setup import open_queue

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass(f"Password for {args.name}: ")
    try:
        accounts.add(open_queue(_settings(args), args.root), args.name, password)
    except QueueError as e:
        print(f"socialrx users add: {e}", file=sys.stderr)
        return 2
    print(f"Reviewer {args.name} added.")
    return 0


def run_review(args) -> int:
    from ..changes.queue import QueueError
    from ..changes.review import Refused, WriteError
    from ..changes.setup import file_desk

    desk = file_desk(_settings(args), args.root)
    try:
        if args.action == "list":
            for p in desk.queue.list(None if args.all else "pending"):
                print(f"{p.id}  {p.state:9s} {p.created}  {p.kind:7s} {p.about or p.fields.get('name', '')}")
            return 0
        if args.action == "show":
            try:
                proposal = desk.queue.get(args.id)
            except KeyError:
                print(f"socialrx review show: there is no proposal {args.id}", file=sys.stderr)
                return 2
            print(f"Proposal {proposal.id} ({proposal.state}), {proposal.kind} about {proposal.about or 'a new scheme'}")
            print(f"Evidence: {proposal.evidence_url or 'the reporter runs the scheme'}")
            change = desk.changeset(proposal)
            for what, before, after in change.words:
                print(f"  {what}: {before or 'not stated'} -> {after}")
            for q in change.retracts:
                print(f"- {q}")
            for q in change.adds:
                print(f"+ {q}")
            return 0
        if args.action == "accept":
            path = desk.accept(args.id, args.reviewer)
            print(f"Accepted {args.id}: written to {path}")
        elif args.action == "reject":
            desk.reject(args.id, args.reviewer, args.reason)
            print(f"Rejected {args.id}.")
        elif args.action == "revert":
            path = desk.revert(args.id, args.reviewer, args.reason)
            print(f"Reverted {args.id}: {path} keeps only its record.")
        return 0
    except Refused as e:
        print(f"socialrx review {args.action}: the change breaks the shapes, nothing was written:", file=sys.stderr)
        for m in e.messages:
            print(f"  - {m}", file=sys.stderr)
        return 1
    except (QueueError, WriteError) as e:
        print(f"socialrx review {args.action}: {e}", file=sys.stderr)
        return 2
    finally:
        desk.close()
