"""A tiny browser for the web front's tests: keeps the session cookie itself (so a
Secure cookie works over the in-process transport) and reads each page's CSRF token."""

from __future__ import annotations

import re
from http.cookies import SimpleCookie
from typing import Any

import httpx

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


NAMES = ("__Host-polku_session", "polku_session")


class Browser:
    """One browser: its session cookie and the CSRF token of the last page it read."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.name = NAMES[1]
        self.cookie: str | None = None
        self.csrf: str | None = None
        self.last_set_cookie: str | None = None

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {k.replace("_", "-"): v for k, v in (extra or {}).items()}
        if self.cookie:
            headers["Cookie"] = f"{self.name}={self.cookie}"
        return headers

    def _remember(self, response: httpx.Response) -> httpx.Response:
        self.client.cookies.clear()  # browsers share one client: each keeps its own cookie
        raw = response.headers.get("set-cookie")
        if raw:
            self.last_set_cookie = raw
            jar: SimpleCookie = SimpleCookie()
            jar.load(raw)
            for name in NAMES:
                if name in jar:
                    self.name, self.cookie = name, jar[name].value or None
        found = CSRF.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response

    async def get(self, path: str, **headers: str) -> httpx.Response:
        """GET a page (redirects are not followed: tests look at them)."""
        return self._remember(await self.client.get(path, headers=self._headers(headers)))

    async def post(
        self, path: str, data: dict[str, Any] | None = None, *, csrf: bool = True, **headers: str
    ) -> httpx.Response:
        """POST a form, with this session's CSRF token unless told not to."""
        body = dict(data or {})
        if csrf and self.csrf:
            body.setdefault("csrf", self.csrf)
        return self._remember(
            await self.client.post(path, data=body, headers=self._headers(headers))
        )

    async def upload(self, path: str, files: dict[str, Any]) -> httpx.Response:
        """POST a multipart form with files and this session's CSRF token."""
        response = await self.client.post(
            path, data={"csrf": self.csrf or ""}, files=files, headers=self._headers()
        )
        return self._remember(response)

    async def sign_in(self, email: str, password: str) -> httpx.Response:
        """Open the sign-in page and send the form."""
        await self.get("/sign-in")
        return await self.post("/sign-in", {"email": email, "password": password})
