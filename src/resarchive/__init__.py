"""resarchive: a static, searchable archive of UN and OSCE resolutions.

Stage: none (the package). May import: nothing.
"""

__version__ = "0.1.0"
