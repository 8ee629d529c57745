"""netkg: a computable knowledge graph for the treatment of neuroendocrine neoplasms.

netkg supports professionals and research; it does not replace clinical judgement.
"""

__version__ = "0.1.0"

DISCLAIMER = (
    "netkg supports healthcare professionals and research. It does not replace clinical "
    "judgement: verify every finding against the primary literature and the patient."
)
