"""`socialrx find`: the schemes for a person — a postcode or area, an age, needs in everyday words and a referral
route — ranked as /find ranks them (rules at /find/how), as a table, CSV or JSON."""

from __future__ import annotations

import csv
import json
import sys
import textwrap

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def register(sub):
    p = sub.add_parser("find", help="find schemes for a person: postcode or area, age, needs, referral route",
                       description=__doc__)
    p.add_argument("--postcode", default="", help="a full postcode (BS1 1NG) or a postcode district (BS1)")
    p.add_argument("--area", default="", help="an area instead of a postcode, e.g. bristol, north-somerset")
    p.add_argument("--age", default="", help="age in years")
    p.add_argument("--need", default="", help="needs in everyday words, comma-separated, e.g. 'lonely, older'")
    p.add_argument("--referral", default="", help="how the person can be referred, e.g. self-referral")
    p.add_argument("--format", "-f", choices=("table", "csv", "json"), default="table", help="output format (default: table)")
    p.set_defaults(func=run)


def run(args) -> int:
    """Print the ranked schemes; exit 2 with one line on stderr for input to change or a postcode we do not hold."""
    from ..catalogue import Catalogue
    from ..pages import find as model
    from ..pages.find_words import vocabulary
    from .query import _open_store

    raw = {"postcode": args.postcode, "area": args.area, "age": args.age, "need": args.need, "referral": args.referral}
    if not (args.postcode.strip() or args.area.strip()):
        return _fail("give --postcode (such as 'BS1 1NG' or 'BS1') or --area (such as bristol)")
    try:  # check what can be checked before loading the knowledge base (seconds)
        model.parse_request(raw)
        model.check_postcode(args.postcode)
    except model.FindInputError as e:
        return _fail(str(e))
    with _open_store() as store:
        try:
            req = model.parse_request(raw, vocabulary(store))
            answer = model.find(store, Catalogue.load(), req)
        except (model.FindInputError, model.PlaceNotFound) as e:
            return _fail(str(e))
        except Exception as e:  # the store's QueryError family: one line, not a traceback
            return _fail(str(e), EXIT_FAILED)
    _write(answer, args.format)
    return EXIT_OK


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    print(f"socialrx find: {message}", file=sys.stderr)
    return code


def _write(answer, fmt: str) -> None:
    if fmt == "json":
        json.dump(answer.as_dict(), sys.stdout, ensure_ascii=False, indent=1)
        print()
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=answer.CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(answer.csv_rows())
    else:
        print(_table(answer))


def _table(answer) -> str:
    from ..pages.find import NOT_STATED

    place = answer.place
    lines = [f"Schemes for {place.kind} {place.label}" if place.kind != "area" else f"Schemes for {place.label}"]
    if answer.needs.unmatched:
        lines.append("Needs matching no client group, aim or role: " + ", ".join(answer.needs.unmatched))
    titles = {"fits": "May fit", "not-for-age": "Not for this age, as sources state", "ended": "Ended"}
    for section, title in titles.items():
        results = answer.section(section)
        if not results:
            continue
        lines += ["", f"== {title} ({len(results)})"]
        for r in results:
            lines.append(f"{r.rank:3d}. {r.label}  <{r.iri}>")
            for label, items in (("why", r.why), ("listed apart", r.against), ("not known", r.unknown)):
                for item in items:
                    lines.append(textwrap.fill(item, 100, initial_indent=f"       {label}: ", subsequent_indent=" " * 9))
            lines.append(f"       status: {r.status}" + (f" (checked {r.status_checked})" if r.status_checked else ""))
            lines.append(textwrap.fill(r.how_to_refer, 100, initial_indent="       how to refer: ", subsequent_indent=" " * 9))
            contact = ", ".join(f"{k}: {v}" for k, v in r.contact.items() if v != NOT_STATED)
            lines.append(f"       contact: {contact or NOT_STATED}")
    return "\n".join(lines)

