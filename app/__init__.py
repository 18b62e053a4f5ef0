"""ReleaseDesk core: domain, persistence, services and algorithms. Never imports Qt."""

__version__ = "0.1.0"
