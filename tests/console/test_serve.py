"""`serve_console`: the console in the caller's event loop, beside other tasks, stopped by
cancelling its task (what `courier-aid run` does)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from bot.settings import Settings
from console.app import serve_console
from tests.helpers.services import free_port


async def test_serves_in_this_loop_and_stops_when_cancelled(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=f"sqlite:///{tmp_path / 'c.db'}", console_port=port,
        console_secret_file=tmp_path / "var" / "console-secret",
    )  # fmt: skip
    task = asyncio.create_task(serve_console(settings))
    ticks = 0

    async def beside() -> None:  # another task of the same loop keeps running
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    other = asyncio.create_task(beside())
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        for _ in range(200):
            try:
                response = await client.get("/login")
                break
            except httpx.ConnectError:
                await asyncio.sleep(0.05)
        assert response.status_code == 200 and "登录控制台" in response.text
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    other.cancel()
    assert ticks > 0
    out = capsys.readouterr().out
    assert f"http://127.0.0.1:{port}/" in out and "courier-aid console user add" in out
    with pytest.raises(httpx.ConnectError):
        async with httpx.AsyncClient() as client:
            await client.get(f"http://127.0.0.1:{port}/login")
