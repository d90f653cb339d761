"""The namespaces unld writes and reads: defined here once, imported everywhere else.

Two kinds of names live here.  The vocabularies unld uses (RDF, RDFS, OWL, XSD, SKOS,
DCTERMS, ELI, schema.org, W3C ORG, OWL-Time, PROV-O, CiTO, VoID, DCAT, SHACL, Wikidata) are
other people's fixed IRIs.  unld's own fixed namespaces, the ontology and the phrase
concepts, do not move with ``--base-iri``: they name terms, not data, and every build
shares them.  Data IRIs (documents, sessions, bodies, graphs) are not here: they come
from the IRI policy (:mod:`unld.core.iri`), which derives them from the base of a build.

A test fails when a namespace IRI is written anywhere else in the package.
"""

from __future__ import annotations

#: The default base of data IRIs (``--base-iri`` overrides it).
DEFAULT_BASE = "https://w3id.org/unld/"

UNLD = "https://w3id.org/unld/ontology#"
#: The ontology document itself (the named graph of the ontology and its alignments).
ONTOLOGY_IRI = "https://w3id.org/unld/ontology"
PHRASE = "https://w3id.org/unld/phrase/"
SHAPES = "https://w3id.org/unld/shapes#"
#: The JSON-LD context, published at the base of a build (``<base>context.jsonld``).
CONTEXT_NAME = "context.jsonld"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
ELI = "http://data.europa.eu/eli/ontology#"
SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"
TIME = "http://www.w3.org/2006/time#"
PROV = "http://www.w3.org/ns/prov#"
CITO = "http://purl.org/spar/cito/"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
SH = "http://www.w3.org/ns/shacl#"
WD = "http://www.wikidata.org/entity/"
SPDX = "http://spdx.org/rdf/terms#"

RDF_TYPE = RDF + "type"
RDF_NIL = RDF + "nil"
RDF_LANG_STRING = RDF + "langString"
XSD_STRING = XSD + "string"

#: Prefixes of the Turtle and TriG files unld writes, in the order they are declared.
PREFIXES = {
    "unld": UNLD,
    "phrase": PHRASE,
    "eli": ELI,
    "cito": CITO,
    "dcterms": DCT,
    "prov": PROV,
    "org": ORG,
    "time": TIME,
    "skos": SKOS,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "schema": SCHEMA,
    "void": VOID,
    "dcat": DCAT,
    "sh": SH,
    "wd": WD,
}

#: Vocabularies the ontology's documentation and the site name but unld does not write.
VANN = "http://purl.org/vocab/vann/"
ELI_DL = "http://data.europa.eu/eli/eli-draft-legislation-ontology#"
#: The XML namespace of the SVG drawings of the site (not an RDF vocabulary).
SVG = "http://www.w3.org/2000/svg"
XSD_BOOLEAN = XSD + "boolean"
