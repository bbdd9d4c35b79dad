"""resarchive: a static, searchable archive of UN and OSCE resolutions."""

__version__ = "0.1.0"
