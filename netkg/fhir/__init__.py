"""FHIR R4 / mCODE input: a Bundle (or a list of resources) becomes a case, validated by the case model.

Above :mod:`netkg.cases` and below :mod:`netkg.pipeline` (docs/architecture.md).  Modules:
``codes`` (the code tables, one place), ``problems`` (the mapping error), ``bundle`` (a Bundle into
fhir.resources models), ``to_case`` (models into a case), ``files`` (a case file or a Bundle file).
The mapping is documented in docs/fhir.md.
"""
