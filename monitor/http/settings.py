"""Configuration of the fetcher: polite defaults, per-host overrides."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from monitor import __version__

# The token robots.txt rules are matched against; also the product part of the User-Agent.
ROBOTS_TOKEN = "oversight-monitor"


class HostSettings(BaseModel):
    """Overrides for one host; unset fields fall back to the global settings."""

    model_config = ConfigDict(extra="forbid", strict=True)

    concurrency: int | None = Field(default=None, ge=1)
    min_delay_seconds: float | None = Field(default=None, ge=0)


class HttpSettings(BaseModel):
    """How the fetcher talks to sites. Every default is the polite choice."""

    model_config = ConfigDict(extra="forbid", strict=True)

    contact: str | None = None  # email or URL put in the User-Agent
    user_agent: str | None = None  # full override of the User-Agent header
    timeout_seconds: float = Field(default=30, gt=0)  # whole-request deadline
    connect_timeout_seconds: float = Field(default=10, gt=0)
    max_bytes: int = Field(default=5_000_000, ge=1)  # decoded body cap
    concurrency_per_host: int = Field(default=2, ge=1)
    min_delay_seconds: float = Field(default=1.0, ge=0)  # between request starts, jittered ±25 %
    max_connections: int = Field(default=20, ge=1)
    retries: int = Field(default=3, ge=0)  # on connect errors, timeouts, 5xx, 429
    backoff_seconds: float = Field(default=2.0, ge=0)  # exponential base
    max_retry_after_seconds: float = Field(default=900, ge=0)
    respect_robots: bool = True
    # Link-local (169.254.0.0/16, fe80::/10) and cloud metadata addresses are refused in
    # source URLs unless this is true (a metadata service answers anyone who asks).
    allow_link_local: bool = False
    hosts: dict[str, HostSettings] = Field(default_factory=dict)

    @field_validator("hosts")
    @classmethod
    def _lower_host_names(cls, hosts: dict[str, HostSettings]) -> dict[str, HostSettings]:
        # Host names are case-insensitive; normalise once so lookups are plain dict gets.
        return {name.strip().lower().rstrip("."): value for name, value in hosts.items()}

    @property
    def user_agent_header(self) -> str:
        """The User-Agent sent with every request: honest product token plus a contact."""
        if self.user_agent:
            return self.user_agent
        product = f"{ROBOTS_TOKEN}/{__version__}"
        return f"{product} (+{self.contact})" if self.contact else product

    @property
    def robots_token(self) -> str:
        """The product token robots.txt groups are matched against."""
        product = self.user_agent_header.split("/")[0].split()
        return product[0] if product else ROBOTS_TOKEN

    def for_host(self, host: str) -> tuple[int, float]:
        """(concurrency, min delay) for a lower-case host name, overrides applied."""
        override = self.hosts.get(host, HostSettings())
        concurrency = override.concurrency or self.concurrency_per_host
        delay = override.min_delay_seconds
        return concurrency, self.min_delay_seconds if delay is None else delay
