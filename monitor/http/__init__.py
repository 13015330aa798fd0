"""The fetcher: the only part of the project that talks to the network."""

from monitor.http.fetcher import Fetcher
from monitor.http.settings import HostSettings, HttpSettings

__all__ = ["Fetcher", "HostSettings", "HttpSettings"]
