"""Connectors: one module per call-record source, behind the small interface in base.py.

The registry maps a stable slug (stored on Source.connector) to its class. Importing this package
registers every built-in connector.
"""

# Importing each module registers it (decorator in base.register).
from . import asterisk_csv, freeswitch_csv, operator_statement  # noqa: F401
from .base import REGISTRY, Connector, ConnectorError, ConnectorUnavailable, get_connector

__all__ = ["REGISTRY", "Connector", "ConnectorError", "ConnectorUnavailable", "get_connector"]
