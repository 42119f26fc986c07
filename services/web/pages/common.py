"""What every page needs: the person's language, the page frame, errors in words."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg
from babel.dates import format_date
from fastapi import Request
from fastapi.responses import HTMLResponse

from services.web import domain, messages, sessions
from services.web.backend import Services
from services.web.i18n import render, translations
from services.web.settings import WebSettings


def language_for(request: Request) -> str:
    """The person's choice, else this browser's choice, else Accept-Language."""
    session = sessions.current(request)
    choice = session.person["language"] if session.person is not None else None
    return domain.language_of(choice or session.language, request.headers.get("accept-language"))


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A whole page (or an htmx fragment) in the person's language."""
    session = sessions.current(request)
    language = language_for(request)
    gettext = translations(language).gettext
    html = render(
        template,
        language,
        csrf=session.csrf_token,
        person=session.person if session.signed_in else None,
        words=lambda code: messages.words_of(code, gettext),
        field_words=lambda error: messages.field_words(error, gettext),
        field_label=lambda name: (
            gettext(messages.FIELDS[name]) if name in messages.FIELDS else name
        ),
        path=request.url.path,
        weekday=lambda day: format_date(day, "EEE", locale=domain.locale_of(language)),
        **context,
    )
    return HTMLResponse(html, status_code=status)


def error_page(request: Request, code: str, status: int) -> HTMLResponse:
    """An error page whose words come from the code."""
    return page(request, "error.html", status=status, code=code)


def pool_of(request: Request) -> asyncpg.Pool:
    """The web schema's pool."""
    pool = request.app.state.pool
    assert isinstance(pool, asyncpg.Pool)
    return pool


def services_of(request: Request) -> Services:
    """The client of the four services."""
    services = request.app.state.services
    assert isinstance(services, Services)
    return services


def web_settings(request: Request) -> WebSettings:
    """The web front's settings."""
    ws = request.app.state.web_settings
    assert isinstance(ws, WebSettings)
    return ws


def client_of(request: Request) -> str:
    """The caller's address, for throttling."""
    return request.client.host if request.client else "unknown"


PAGE = 50
"""Lines a page shows of each paged list (the proposals inbox's two, My placements' two)."""


def cursor(request: Request, name: str) -> UUID | None:
    """Where a paged list's page starts (an id in the query), None on the first page."""
    try:
        return UUID(request.query_params.get(name) or "")
    except ValueError:
        return None


def one_page(found: list[dict[str, Any]], key: str) -> tuple[list[dict[str, Any]], str | None]:
    """The lines of a page asked for with `limit=PAGE + 1`, and the cursor (the last line's
    `key`) of the next page (None: this is the last)."""
    shown = found[:PAGE]
    return shown, (str(shown[-1][key]) if len(found) > PAGE else None)
