"""Questionnaire definitions (data with citations) and a pure-Python scoring engine.

The definitions, the scoring package and the batch command import nothing from Django:
researchers can score files without the web app. The Django side of the app (models,
views, actions, wording.py) holds only the wording a clinic enters under its own licence.
See README.md beside this file.
"""
