"""`python -m tessera.outcomes ...`: see cli.py for the commands."""

from .cli import main

raise SystemExit(main())
