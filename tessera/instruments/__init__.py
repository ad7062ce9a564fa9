"""Questionnaire definitions (data with citations) and a pure-Python scoring engine.

Nothing in this package imports Django: the web app calls it, never the other way round.
See README.md beside this file.
"""
