"""No English and no raw codes where a citizen or an officer reads.

The root conftest.py hands every page the test suite renders (test client
and live-server journeys alike, except the Django admin, the API, static and
media files) and every printed form's HTML (the PDF text) to
:func:`scan_html`; a test that renders a page with one of the words below,
or with a raw code (a role, state, action, delivery or channel value), fails.
The tests here check the scanner itself.
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from typing import Any

#: English words that must never reach a reader (whole words, any case).
ENGLISH_WORDS = frozenset(
    {
        "applicant",
        "approve",
        "back",
        "cancel",
        "choose",
        "click",
        "dossier",
        "download",
        "draft",
        "error",
        "errors",
        "false",
        "forward",
        "help",
        "leader",
        "login",
        "logout",
        "next",
        "none",
        "null",
        "officer",
        "optional",
        "password",
        "pending",
        "previous",
        "required",
        "search",
        "sign",
        "signed",
        "specialist",
        "status",
        "step",
        "submit",
        "submitted",
        "true",
        "unknown",
        "unsigned",
        "upload",
        "username",
    }
)

#: What the conftest.py watchers found during the current test.
FOUND: list[str] = []

#: Pages nobody outside the development team reads in this form.
SKIPPED_PATHS = ("/admin/", "/api/", "/static/", "/media/")

#: Attributes whose text is read out or shown.
_READ_ATTRIBUTES = frozenset({"alt", "title", "aria-label", "placeholder"})
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@cache
def raw_codes() -> frozenset[str]:
    """Stored values of the choices a reader must see by their label."""
    from motcua.accounts.models import Role
    from motcua.catalog.workflows import Action
    from motcua.dossiers.models import Channel, Delivery
    from motcua.dossiers.selectors import ACTION_LABELS
    from motcua.dossiers.states import State

    codes: set[str] = {"payment_gateway", "assistant"}
    for choices in (Role, Action, State, Channel, Delivery):
        codes.update(str(v) for v in choices.values)
    codes.update(ACTION_LABELS)
    # Plain Vietnamese-looking or ambiguous values are covered by the
    # word list or are not words (e.g. "online" is said in Vietnamese too).
    codes.discard("online")
    return frozenset(codes)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._skip += 1
        for name, value in attrs:
            if name in _READ_ATTRIBUTES and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def scan_text(text: str) -> list[str]:
    """The English words and raw codes found in ``text``."""
    codes = raw_codes()
    found = []
    for word in _WORD.findall(text):
        if word.lower() in ENGLISH_WORDS or word in codes:
            found.append(word)
    return sorted(set(found))


def scan_html(html: str) -> list[str]:
    return scan_text(visible_text(html))


# ------------------------------------------------------------ the scanner


def test_finds_english_and_codes_in_what_is_read() -> None:
    html = (
        '<p>Trạng thái: submitted</p><img alt="Applicant photo">'
        "<p>Vai trò: one_stop_officer (forward)</p>"
    )
    assert scan_html(html) == ["Applicant", "forward", "one_stop_officer", "submitted"]


def test_ignores_markup_scripts_and_vietnamese() -> None:
    html = (
        '<div class="error" id="submit-step" data-role="leader">'
        "<script>const next = true;</script><style>.help{}</style>"
        "<p>Hồ sơ đã được tiếp nhận; mã 000.00.01.H62-260302-0001.</p></div>"
    )
    assert scan_html(html) == []


def test_the_suite_watches_rendered_pages(client: Any, db: None) -> None:
    """The conftest.py watcher sees what the test client renders: an
    English word echoed back by the search is caught."""
    client.get("/nop-ho-so/", {"q": "forward"})
    assert any("forward" in entry for entry in FOUND)
    FOUND.clear()  # this test provoked it on purpose
