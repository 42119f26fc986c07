"""The messages the web front uses, extracted from its templates and code (Babel)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

HERE = Path(__file__).resolve().parent
METHODS = [("**/templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")]
KEYWORDS = {"_": None, "gettext": None, "N_": None}


def used_messages() -> set[str]:
    """Every message id a page or a code's words may show."""
    found: set[str] = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        HERE,
        METHODS,
        keywords=KEYWORDS,
        options_map={"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}},
    ):
        if isinstance(message, str):
            found.add(message)
    return found
