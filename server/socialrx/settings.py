"""Every setting as data: name, default and help, in one documented table (shown at /-/settings)."""

from collections import namedtuple
from dataclasses import dataclass, field

Setting = namedtuple("Setting", ("name", "default", "help"))

SETTINGS = (
    Setting("base_iri", "https://w3id.org/socialrx/", "Base IRI of the resources this site mints; mapped to local paths whatever host serves them"),
    Setting("query_time_limit_ms", 10_000, "Time limit for one SPARQL query in milliseconds; a query still running then is stopped and answered with 503"),
    Setting("max_returned_rows", 10_000, "Row cap for SELECT results and triples for CONSTRUCT/DESCRIBE; larger results are cut and reported as truncated"),
    Setting("max_request_kb", 256, "Largest request body or query string accepted, in KiB; larger requests get 413"),
    Setting("max_query_depth", 200, "Deepest nesting of brackets and braces accepted in a query; deeper queries get 400 before they reach the engine"),
    Setting("query_workers", 2, "Worker processes that run SPARQL queries (each is stopped and replaced when it overruns the time limit)"),
    Setting("page_query_workers", 2, "Worker processes that run the queries pages are built from, apart from user queries so a runaway /sparql query never makes a page wait"),
    Setting("page_query_time_limit_ms", 5_000, "Time limit for one query behind a page in milliseconds (shorter than query_time_limit_ms); a page whose query overruns answers 503"),
    Setting("page_cache_mb", 64, "Memory for rendered pages and results kept per graph version, in MiB (least recently used dropped first)"),
    Setting("result_cache_mb", 32, "Memory for catalogue query answers kept per graph version, in MiB: a query's page and its CSV, TSV and JSON twins share one run (least recently used dropped first)"),
    Setting("cache_max_age_s", 60, "Cache-Control max-age of pages and results, in seconds; clients revalidate with the ETag after that"),
    Setting("service_allow_list", (), "SPARQL endpoint IRIs that SERVICE, LOAD and remote FROM may reach; empty means no outbound fetching"),
    Setting("endpoint", None, "URL of a remote SPARQL 1.1 endpoint to use instead of the embedded store (its Graph Store Protocol URL is derived or given with endpoint_gsp)"),
    Setting("endpoint_gsp", None, "URL of the remote endpoint's SPARQL 1.1 Graph Store Protocol service, used to load the knowledge base into it"),
    Setting("store_path", None, "Folder of an on-disk embedded store; a restart reuses it instead of re-parsing the Turtle"),
    Setting("imports_path", None, "Folder of imported datasets (N-Quads written by `socialrx import` and `socialrx enrich`); default: imports/ beside data/"),
    Setting("page_size", 50, "Rows per page on index pages and incoming-link lists"),
    Setting("connection_limit", 1000, "Most connections `socialrx serve` (waitress) keeps open at once; waitress's own default of 100 leaves the rest waiting unserved"),
    Setting("editable", False, "Turn on the change-and-review workflow: report forms, reviewer sign-in and /-/review; off, no writing route exists"),
    Setting("changes_db", None, "SQLite file holding proposals and reviewer accounts; default: .socialrx/changes.sqlite beside data/"),
    Setting("session_cookie_secure", True, "Send the reviewer's session cookie only over HTTPS (browsers treat http://127.0.0.1 and localhost as secure)"),
    Setting("report_rate_limit", "5 per minute;30 per day", "How many change reports one client address may send (Flask-Limiter syntax)"),
    Setting("signin_rate_limit", "5 per minute;50 per day", "How many sign-in attempts one client address may make (Flask-Limiter syntax)"),
    Setting("allow_invalid", False, "Serve even when the data does not conform to the SHACL shapes"),
)

DEFAULTS = {s.name: s.default for s in SETTINGS}


@dataclass
class Settings:
    """Resolved settings: the defaults overlaid with what the caller gives."""

    values: dict = field(default_factory=dict)

    def __post_init__(self):
        unknown = set(self.values) - set(DEFAULTS)
        if unknown:
            raise ValueError(f"unknown setting(s): {', '.join(sorted(unknown))}; known: {', '.join(DEFAULTS)}")
        self.values = {**DEFAULTS, **self.values}

    def __getitem__(self, name):
        return self.values[name]

    def __getattr__(self, name):
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None
