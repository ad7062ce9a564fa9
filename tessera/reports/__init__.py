"""Outcome reports, the implementation dashboard and exports (issue 15). Top layer: it
reads every app below it and nothing imports it. See README.md and docs/reports.md."""
