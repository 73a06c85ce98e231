"""nckg: the Nanocluster Knowledge Graph."""

__version__ = "0.1.0"
