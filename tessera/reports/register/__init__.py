"""Quality-register export: profiles as data (``profiles/<name>-<version>.json``: the
columns, the source of each value and the codebook), one generic profile shipped."""
