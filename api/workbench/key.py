"""The key a person types when the server closes reads, kept in a cookie for the workbench.

Links, iframes and downloads cannot carry the `X-API-Key` header, so the workbench asks once
and keeps the key in an HttpOnly, SameSite=Strict cookie that reads accept (`api.security`).
These routes are open: they are how a reader gets in.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.security import READ_COOKIE, check_key
from api.services import Services, services
from api.workbench.templating import render

router = APIRouter(include_in_schema=False)


def _back_to(target: str) -> str:
    """Only a path on this server (never another site) to return to after the key."""
    parts = urlsplit(target)
    local = target.startswith("/") and not parts.scheme and not parts.netloc
    return target if local and "\\" not in target and not target.startswith("//") else "/"


@router.get("/ui/key")
async def key_form(request: Request, back: str = "/") -> HTMLResponse:
    return render(request, "key.html", back=_back_to(back))


@router.post("/ui/key")
async def remember_key(
    request: Request,
    key: Annotated[str, Form(max_length=1000)],
    back: Annotated[str, Form(max_length=2000)] = "/",
    found: Services = Depends(services),
) -> Response:
    check_key(found, key)  # a wrong key is a 403 page, and nothing is kept
    answer = RedirectResponse(_back_to(back), status_code=303)
    secure = request.url.scheme == "https"
    answer.set_cookie(READ_COOKIE, key, httponly=True, samesite="strict", secure=secure)
    return answer


@router.post("/ui/key/forget")
async def forget_key() -> Response:
    answer = RedirectResponse("/ui/key", status_code=303)
    answer.delete_cookie(READ_COOKIE)
    return answer
