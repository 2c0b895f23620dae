"""The paging parameters every list shares."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

Limit = Annotated[int, Query(ge=1, le=1000, description="Items per page.", examples=[20])]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.", examples=[0])]
