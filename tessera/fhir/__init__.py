"""FHIR R4B mapping for Tessera's instruments, as pure functions (no Django here).

tessera.fhir.questionnaire turns an instrument definition into a Questionnaire, a set of
answers into a QuestionnaireResponse and a score into an Observation. Every resource is
built as a dict and checked by the fhir.resources R4B models before it is returned.
See README.md in this package.
"""
