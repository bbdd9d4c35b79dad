"""Model: what our Akoma Ntoso reader and writer share: namespaces, document kinds, languages.

Stage: model (shared by the AKN read and export stages). May import: langdata.

Akoma Ntoso 3.0 (OASIS LegalDocML) is the UN's format for its resolutions (AKN4UN). We read
it (akn_read.py) and write every document as it (akn_write.py). Our own export keeps what
AKN has no element for in our namespace (``ra:``): each element's anchor and source line
(``ra:anchor``, ``ra:line``), and the document's fields in ``<proprietary>``; reading it back
gives the same document.
"""

from __future__ import annotations

from .langdata import lang, languages

NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
RA = "urn:resarchive:akn:1"
AKN = f"{{{NS}}}"
RAQ = f"{{{RA}}}"

# document kind <-> the name of its <statement> ("resolution" is the UN's own)
KIND_NAMES = {
    "resolution": "resolution",
    "decision": "decision",
    "draft-resolution": "draftResolution",
    "revised-draft-resolution": "revisedDraftResolution",
    "draft-decision": "draftDecision",
    "": "document",
}
KINDS = {name: kind for kind, name in KIND_NAMES.items()}


def language_code(akn_language: str) -> str | None:
    """Our language code for a FRBRlanguage value ("fra" -> "fr"), or None if no data file
    names it (``akn_language`` of data/<lang>.yaml)."""
    for code in languages():
        if lang(code).akn_language == akn_language:
            return code
    return None


def akn_language(code: str) -> str:
    return lang(code).akn_language
