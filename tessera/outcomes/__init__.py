"""Outcomes of treatment by the national rules (NHS Talking Therapies), for every report.

The engine (measures.py, rules.py) and its command line (cli.py, `python -m
tessera.outcomes`) import nothing from Django, so the command starts fast and runs
anywhere; the rules come from tessera.instruments.scoring.talking_therapies, the one
place they are written. The outcome reports will be built on top of this package.
See docs/outcomes.md.
"""
