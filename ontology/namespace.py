"""The allegraph vocabulary as Python names, checked against `allegraph.ttl` by a test.

Every term used in code comes from here: `AG.Accusation`, never a retyped IRI string.
`AG` raises on a name the Turtle lacks (``_fail = True``), so a typo fails at import time.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

__all__ = [
    "ACTORS",
    "AG",
    "DCTERMS",
    "ID",
    "OA",
    "ONTOLOGY_IRI",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SKOS",
    "WD",
    "XSD",
]


class AG(DefinedNamespace):
    """Terms of the allegraph ontology (prefix ``ag:``)."""

    _NS = Namespace("https://w3id.org/allegraph/ns#")
    _fail = True

    # actors
    Actor: URIRef
    Person: URIRef
    Organization: URIRef
    State: URIRef
    GovernmentAgency: URIRef
    IntelligenceService: URIRef
    MilitaryForce: URIRef
    ArmedGroup: URIRef
    NGO: URIRef
    MediaOutlet: URIRef
    InternationalOrganization: URIRef
    partOf: URIRef
    speaksFor: URIRef
    # statements
    Statement: URIRef
    Accusation: URIRef
    Denial: URIRef
    Warning: URIRef
    Threat: URIRef
    Claim: URIRef
    Retraction: URIRef
    claimant: URIRef
    target: URIRef
    allegedAct: URIRef
    respondsTo: URIRef
    quote: URIRef
    statedOn: URIRef
    modality: URIRef
    Modality: URIRef
    Modalities: URIRef
    Asserted: URIRef
    Suggested: URIRef
    Hedged: URIRef
    Reported: URIRef
    # shortcuts
    accused: URIRef
    denied: URIRef
    warned: URIRef
    threatened: URIRef
    shortcut: URIRef
    cameoCode: URIRef
    # alleged acts
    AllegedAct: URIRef
    actType: URIRef
    ActTypes: URIRef
    FalseFlag: URIRef
    ChemicalAttack: URIRef
    BiologicalWeapons: URIRef
    ChemicalWeapons: URIRef
    Disinformation: URIRef
    EvidenceManipulation: URIRef
    ForeignAgent: URIRef
    Aggression: URIRef
    WarCrime: URIRef
    HumanRightsAbuse: URIRef
    Espionage: URIRef
    Corruption: URIRef
    Terrorism: URIRef
    Sabotage: URIRef
    Cyberattack: URIRef
    ElectionInterference: URIRef
    UseOfChemicalWeapons: URIRef
    # documents
    Document: URIRef
    contentHash: URIRef
    graphHash: URIRef
    text: URIRef
    mentions: URIRef


ONTOLOGY_IRI = URIRef("https://w3id.org/allegraph/ns")
# Instances (documents, actors, statements) are minted under this base.
ID = Namespace("https://w3id.org/allegraph/id/")
# Actors, the only nodes shared by documents, are minted under this one.
ACTORS = Namespace(ID["actor/"])
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")
WD = Namespace("http://www.wikidata.org/entity/")

# Prefixes bound in the store and in exports, so queries may use them without PREFIX lines.
PREFIXES: dict[str, str] = {
    "ag": str(AG._NS),
    "oa": str(OA),
    "prov": str(PROV),
    "schema": str(SCHEMA),
    "dcterms": str(DCTERMS),
    "skos": str(SKOS),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "wd": str(WD),
}
