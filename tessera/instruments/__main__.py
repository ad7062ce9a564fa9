"""`python -m tessera.instruments ...`: see batch.py for the commands."""

from .batch import main

raise SystemExit(main())
