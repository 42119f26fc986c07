"""Every message a page uses is translated in each language's catalogue."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po

from services.web import domain
from services.web.catalogue import used_messages
from services.web.i18n import catalogue_path, render, translations


def test_the_extraction_finds_the_pages_messages() -> None:
    used = used_messages()
    assert {"Sign in", "Find by name", "The e-mail address or the password is not right."} <= used
    assert len(used) > 100


@pytest.mark.parametrize("language", domain.LANGUAGES)
def test_the_catalogue_translates_every_message_a_page_uses(language: str) -> None:
    with catalogue_path(language).open("rb") as po:
        catalog = read_po(po, locale=language)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(used_messages() - translated)
    assert missing == [], f"{language} lacks {len(missing)}: {missing[:10]}"


@pytest.mark.parametrize(
    ("language", "words"),
    [("et", "Logi sisse"), ("fi", "Kirjaudu sisään"), ("ru", "Войти"), ("en", "Sign in")],
)
def test_the_sign_in_page_speaks_the_language(language: str, words: str) -> None:
    html = render(
        "sign_in.html", language, csrf="t", person=None, error=None, demo=[],
        demo_password="", words=str, field_words=str, field_label=str, path="/sign-in",
    )  # fmt: skip
    assert f'<html lang="{language}">' in html and f"<h1>{words}</h1>" in html
    assert translations(language).gettext("Sign out") != ""
