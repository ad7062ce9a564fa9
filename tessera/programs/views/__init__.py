"""Pages of the module library: reading it (any staff of the region) and authoring it
(content authors of the region). Access is decided in tessera.core.access."""
