"""The workbench's Jinja2 templates (shipped in the package) and the helpers they call."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.workbench import views

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.globals["query_string"] = views.query_string
templates.env.globals["evidence_url"] = views.evidence_url
templates.env.filters["thousands"] = lambda n: f"{n:,}"


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """The template rendered for this request (autoescaped: every value is text)."""
    return templates.TemplateResponse(request, template, context, status_code=status_code)
