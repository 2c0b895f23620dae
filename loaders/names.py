"""How actor names are compared: ignoring case, accents, punctuation and a leading article.

"the White Helmets", "White Helmets" and "WHITE-HELMETS" are one name. Loaders use this to
join the mentions of one actor within a document; the graph uses it to make one actor of
the same name across documents.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Leading articles of the languages investigators most often annotate in.
_ARTICLES = re.compile(r"^(?:the|a|an|le|la|les|l|el|los|las|der|die|das|il|lo|gli|het)\s+")


@lru_cache(maxsize=1 << 16)  # actors recur across documents; each name is worked out once
def normal_name(name: str) -> str:
    """The comparable form of a name: `The Syrian Government` → `syrian government`."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = re.sub(r"[\W_]+", " ", bare).strip()
    stripped = _ARTICLES.sub("", words)
    return stripped or words


def slug(name: str) -> str:
    """An identifier from a name (`Jens Stoltenberg` → `jens-stoltenberg`); '' if none."""
    ascii_only = normal_name(name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")[:80]
