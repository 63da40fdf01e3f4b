"""socialrx: an open knowledge graph of UK social prescribing and navigation schemes."""

__version__ = "0.1.0"
