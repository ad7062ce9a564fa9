"""HL7 FHIR Bulk Data Access (``$export``): the kick-off, status and file endpoints
(``views.py``) and the export itself, built by the task worker (``build.py``)."""
