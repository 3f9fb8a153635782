"""Readers (sniff, stream, normalise; strict or lenient) and atomic writers."""

from prefcraft.io.readers import FORMATS, LoadResult, Problem, load, read, sniff_format
from prefcraft.io.writers import OUTPUT_FORMATS, atomic_write, write, write_quarantine

__all__ = ["FORMATS", "OUTPUT_FORMATS", "LoadResult", "Problem", "load", "read", "sniff_format", "write",
           "atomic_write", "write_quarantine"]
