"""oversight-monitor: watch police-oversight bodies and alert when a case moves stage."""

__version__ = "0.1.0"
