"""Choosing a response media type from an `Accept` header (RFC 9110 §12.5.1)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def _parse(accept: str) -> list[tuple[float, int, str]]:
    """(q, position, media range) for every range the client listed with q > 0."""
    ranges = []
    for position, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if "/" not in media:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            ranges.append((q, position, media))
    return sorted(ranges, key=lambda r: (-r[0], r[2].count("*"), r[1]))


def choose(
    accept: str | None, offered: Sequence[str], aliases: Mapping[str, str] | None = None
) -> str | None:
    """The offered type the client prefers most; the first offered when it takes anything;
    None when it takes nothing offered (a 406). `aliases` maps other names of a type
    (`application/json`) onto an offered one."""
    if not accept or not accept.strip():
        return offered[0]
    aliases = aliases or {}
    for _, _, media in _parse(accept):
        if media == "*/*":
            return offered[0]
        if media.endswith("/*"):
            family = media[:-1]
            found = next((o for o in offered if o.startswith(family)), None)
            if found:
                return found
            continue
        if media in offered:
            return media
        if media in aliases and aliases[media] in offered:
            return aliases[media]
    return None
