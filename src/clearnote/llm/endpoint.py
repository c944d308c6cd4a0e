"""Where an LLM endpoint may be: loopback by default; a remote host only with a recorded BAA
and remote processing allowed. Per-client consent joins this check in the pipeline's stages
(``remote_host`` says whether a backend sends client words off this machine; ``where`` is what
the record of each AI run says about it)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from clearnote.errors import BadInputError, PolicyError

_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
LOCAL = "local (this machine)"


def host_of(url: str, *, setting: str = "llm_base_url") -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadInputError(f"setting {setting}: expected an http(s) URL with a host")
    return parts.hostname.lower()


def is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_endpoint(url: str, *, allow_remote: bool, baa_hosts: list[str] | tuple[str, ...]) -> str:
    """The endpoint's host when policy allows sending a transcript there; else PolicyError."""
    host = host_of(url)
    if is_loopback(host):
        return host
    if not allow_remote:
        raise PolicyError(
            f"setting llm_base_url: host {host} is not on this machine and remote processing "
            "is not allowed (llm_allow_remote)"
        )
    if host not in {h.strip().lower() for h in baa_hosts}:
        raise PolicyError(
            f"setting llm_base_url: no BAA is recorded for host {host} (llm_baa_hosts)"
        )
    return host


def remote_host(backend: object) -> str | None:
    """The host off this machine that ``backend`` sends client words to (its ``host``: the
    openai backend, or an LLM screener over it); None when it runs here (in this process, or a
    server on loopback)."""
    host = getattr(backend, "host", None)
    return host if isinstance(host, str) and not is_loopback(host) else None


def where(host: str | None) -> str:
    """What an AI run's record says about where it ran."""
    return LOCAL if host is None else f"remote ({host}, BAA recorded)"
