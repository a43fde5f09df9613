"""quality_checks layer of parindex (see docs/layers.md)."""
