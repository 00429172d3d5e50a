"""Connectors: one module per call-record source, behind the small interface in base.py.

The registry maps a stable slug (stored on Source.connector) to its class. Importing this package
registers every built-in connector (the decorator base.register runs when each module is imported).
"""

from . import (  # noqa: F401 — imported for their registration
    asterisk_csv,
    asterisk_db,
    freeswitch_csv,
    freeswitch_json,
    mango,
    operator_statement,
    uis,
    zadarma,
)
from .base import REGISTRY, Connector, ConnectorError, ConnectorUnavailable, get_connector

__all__ = ["REGISTRY", "Connector", "ConnectorError", "ConnectorUnavailable", "get_connector"]
