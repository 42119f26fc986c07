"""A value shown once after a POST (a new webhook signing secret) waits on the session for
the page the redirect leads to: that page takes it, a reload finds nothing, and it is
worthless after its few minutes; another session never sees it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg

from services.web import repository
from services.web.sessions import open_session
from shared.migrate import migrate
from shared.settings import Settings


async def test_a_value_is_taken_once_by_its_own_session_and_not_after_its_minutes(
    settings: Settings,
) -> None:
    await migrate(settings.database_url, ("web",))
    conn = await asyncpg.connect(settings.database_url, server_settings={"search_path": "web"})
    try:
        mine = await open_session(conn, person=None, verified=False, hours=1)
        other = await open_session(conn, person=None, verified=False, hours=1)
        now = datetime.now(UTC)
        assert await repository.take_shown_once(conn, mine.session_hash, now) is None
        await repository.keep_shown_once(
            conn, mine.session_hash, "s3cret", now + timedelta(minutes=5)
        )
        assert await repository.take_shown_once(conn, other.session_hash, now) is None
        assert await repository.take_shown_once(conn, mine.session_hash, now) == "s3cret"
        assert await repository.take_shown_once(conn, mine.session_hash, now) is None  # reload
        await repository.keep_shown_once(
            conn, mine.session_hash, "late", now + timedelta(minutes=5)
        )
        later = now + timedelta(minutes=6)
        assert await repository.take_shown_once(conn, mine.session_hash, later) is None
        left = await conn.fetchrow(
            "SELECT shown_once, shown_once_until FROM web_session WHERE session_hash = $1",
            mine.session_hash,
        )
        assert left is not None and left["shown_once"] is None  # an old one is cleared too
    finally:
        await conn.close()
