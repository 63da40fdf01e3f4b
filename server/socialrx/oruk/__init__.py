"""Open Referral UK (ORUK 3.0, the UK profile of HSDS 3.0) both ways.

Export: `directory` answers the /oruk/ API from the store (`records` turns our graph into ORUK records);
import: `feed` reads files and live feeds page by page, `records_in` checks and normalises ORUK 1.0 and 3.0
records, `mapping` writes them as quads and `load` keeps each feed as its own named graph.
The ORUK schemas (CC BY-SA 4.0) are vendored under schemas/ and checked with `validation`.
"""
