"""The IRIs the importers write, as ready-made N-Quads terms, and the IRI patterns they mint."""

from __future__ import annotations

from ..namespaces import BASE, GRAPH, ID
from .nquads import iri

SRX = BASE + "def/"
RDF_TYPE = iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = iri("http://www.w3.org/2000/01/rdf-schema#label")
RDFS_COMMENT = iri("http://www.w3.org/2000/01/rdf-schema#comment")
SKOS_ALT = iri("http://www.w3.org/2004/02/skos/core#altLabel")
ORG_SUB = iri("http://www.w3.org/ns/org#subOrganizationOf")
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"
SCHEMA = "https://schema.org/"
GSS_IRI = "http://statistics.data.gov.uk/id/statistical-geography/"
ODS_RECORD = "https://directory.spineservices.nhs.uk/ORD/2-0-0/organisations/"


def srx(name: str) -> str:
    return iri(SRX + name)


def schema(name: str) -> str:
    return iri(SCHEMA + name)


# Classes and properties of the socialrx ontology the importers use.
GP_PRACTICE, ICB, SUB_ICB, CCG, NHS_BODY = (srx(n) for n in ("GPPractice", "IntegratedCareBoard", "SubICBLocation", "ClinicalCommissioningGroup", "NHSBody"))
AREA, LA_AREA, NHS_AREA, POSTCODE_UNIT = (srx(n) for n in ("Area", "LocalAuthorityArea", "NHSArea", "PostcodeUnit"))
ODS_CODE, ODS_RECORD_P, GSS_CODE, STAT_GEO = (srx(n) for n in ("odsCode", "odsRecord", "gssCode", "statisticalGeography"))
# An area *is* its ONS geography (STAT_GEO); a body is only responsible for one (issue 10: an organisation is not its area).
RESPONSIBLE_GEO = srx("responsibleForGeography")
POSTCODE, WITHIN, COVERS, FOUNDED, DISSOLVED = (srx(n) for n in ("postcode", "within", "covers", "founded", "dissolved"))
LATITUDE, LONGITUDE, COMMISSIONED_BY = (srx(n) for n in ("latitude", "longitude", "commissionedBy"))
# Terms asked of the ontology for this issue (see the report): status, prescribing setting, population.
ODS_STATUS, PRESCRIBING_SETTING, POPULATION = (srx(n) for n in ("odsStatus", "prescribingSetting", "population"))
POSTCODE_DISTRICT, OVERLAPS, POSTCODE_UNITS = (srx(n) for n in ("PostcodeDistrict", "overlaps", "postcodeUnits"))
ODS_ROLE, REGISTERED_PATIENTS, REGISTERED_PATIENTS_ON = (srx(n) for n in ("odsRole", "registeredPatients", "registeredPatientsOn"))


def graph_iri(dataset: str) -> str:
    """One graph per dataset kind, so a re-import replaces it wholesale."""
    return f"{GRAPH}import/{dataset}"


IMPORT_GRAPH_PREFIX = f"{GRAPH}import/"


def practice_iri(code: str) -> str:
    return f"{ID}practice/{code}"


def ods_iri(code: str) -> str:
    return f"{ID}ods/{code}"


def gss_iri(code: str) -> str:
    return f"{ID}gss/{code}"


def postcode_iri(postcode: str) -> str:
    return f"{ID}postcode/{postcode.replace(' ', '')}"


def postcode_district_iri(outward: str) -> str:
    """A postcode district (outward code, e.g. BS1): the postcode units that share it."""
    return f"{ID}postcode-district/{outward.strip().upper()}"


def ods_record(code: str) -> str:
    return ODS_RECORD + code

XSD_DECIMAL = "<http://www.w3.org/2001/XMLSchema#decimal>"
XSD_GYEARMONTH = "<http://www.w3.org/2001/XMLSchema#gYearMonth>"
