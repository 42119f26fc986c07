"""Gettext catalogues (Babel .po files, compiled in memory at start) and the Jinja2 pages."""

from __future__ import annotations

import io
from functools import lru_cache
from gettext import NullTranslations
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from services.web import domain

HERE = Path(__file__).resolve().parent
LOCALE_DIR = HERE / "locale"
TEMPLATES_DIR = HERE / "templates"


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


def catalogue_path(language: str) -> Path:
    """Where one language's .po file lives."""
    return LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"


@lru_cache
def translations(language: str) -> NullTranslations:
    """One language's catalogue, compiled from its .po file (no .mo files to keep in step)."""
    path = catalogue_path(language)
    if not path.exists():
        return NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


@lru_cache
def environment() -> Environment:
    """The Jinja2 environment: autoescaped, StrictUndefined, i18n extension on."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_null_translations(newstyle=False)  # type: ignore[attr-defined]
    env.filters["day"] = domain.format_day
    return env


def render(template: str, language: str, **context: Any) -> str:
    """A page in the person's language."""
    t = translations(language)
    return (
        environment()
        .get_template(template)
        .render(
            _=t.gettext,
            gettext=t.gettext,
            ngettext=t.ngettext,
            lang=language,
            languages=domain.LANGUAGE_NAMES,
            **context,
        )
    )
