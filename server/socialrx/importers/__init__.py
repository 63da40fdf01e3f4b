"""Importers for the published NHS and ONS files, and enrichment from SPARQL endpoints.

Each import becomes one named graph, written as N-Quads to the imports folder
(see store_files), so the knowledge base loads it at start like any data file.
"""

DATASETS = {
    "ods-epraccur": "socialrx.importers.ods_epraccur",
    "ods-eccg": "socialrx.importers.ods_eccg",
    "ons-lookup": "socialrx.importers.ons_lookup",
    "ons-postcodes": "socialrx.importers.ons_postcodes",
    "os-codepoint": "socialrx.importers.os_codepoint",
    "nhs-gp-registered-patients": "socialrx.importers.nhs_patients",
}
