"""An episode of care as FHIR R4B resources, for the health record.

``load.py`` reads one episode (or a batch of them) with a fixed number of queries;
``resources.py`` turns what was read into resources (plain dicts, no queries);
``document.py`` puts them in a document Bundle validated with fhir.resources;
``summary.py`` renders the same record as a readable PDF for the patient.
"""
