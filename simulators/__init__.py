"""simulators layer of parindex (see docs/layers.md)."""
