"""The sandbox's page API without a browser: people, messages, buttons, time travel."""

from __future__ import annotations

import asyncio
import re
import sys
from datetime import timedelta
from pathlib import Path

import aiohttp

from bot.cli import EXIT_NO_TOKEN
from bot.i18n import speaking
from bot.sandbox.server import MODERATORS_CHAT, Sandbox
from bot.texts import onboarding as onboarding_texts
from tests.helpers import onboard, subprocess_env


async def test_page_api_and_time_travel_bring_the_next_prompt() -> None:
    async with Sandbox(None, 0).running() as sandbox, aiohttp.ClientSession() as http:
        base = f"http://127.0.0.1:{sandbox.port}"
        async with http.get(base + "/") as page:
            html = await page.text()
        assert page.status == 200 and "<script>" in html
        # One file: no script, style sheet, image or font fetched from anywhere else.
        assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
        assert not re.search(r"<(?:script|link)[^>]*\b(?:src|href)=", html)
        async with http.post(base + "/api/users", json={"name": "Alex"}) as response:
            alex_id = (await response.json())["id"]
        alex = sandbox.emulator.users[alex_id]
        await onboard(alex, zone="UTC", at="08:00")
        async with http.post(base + "/api/send", json={"user_id": alex_id, "text": "/help"}):
            pass
        await sandbox.emulator.wait_until(lambda: "/newgoal" in alex.last_message.shown_text)
        async with http.get(f"{base}/api/chat/{alex_id}") as response:
            chat = (await response.json())["messages"]
        assert chat[-2] == {"from": "user", "user_id": alex_id, "name": "Alex", "text": "/help"}
        assert chat[-1]["from"] == "bot" and "/checkin" in chat[-1]["text"]

        # A check-in due in an hour (on the same day as half an hour after it), then travel.
        due = sandbox.clock.now() + timedelta(hours=1)
        if (due + timedelta(minutes=30)).date() != due.date():
            due += timedelta(hours=1)
        alex.skip_to_end()
        assert "check-in is now at" in (await alex.ask(f"/checkintime {due:%H:%M}")).shown_text
        hours = (due - sandbox.clock.now()).total_seconds() / 3600 + 0.5
        async with http.post(base + "/api/time", json={"hours": hours}) as response:
            assert response.status == 200
        prompt = await alex.next_message(timeout=15)
        assert prompt.shown_text == "How is your mood today?"
        tap = {
            "user_id": alex_id,
            "message_id": prompt.message_id,
            "data": prompt.buttons[0]["callback_data"],
        }
        async with http.post(base + "/api/press", json=tap) as response:
            assert response.status == 200
        await sandbox.emulator.wait_until(lambda: "confident" in prompt.shown_text)

        async with http.get(base + "/api/state") as response:
            state = await response.json()
        assert (
            state["ahead_hours"] == round(hours, 1) and state["moderators_chat"] == MODERATORS_CHAT
        )
        refused = [
            ("/api/send", {"user_id": 1, "text": "hi"}),
            ("/api/send", {"user_id": alex_id, "text": "  "}),
            ("/api/time", {"hours": 0}),
            ("/api/time", {"hours": 10_000}),
            ("/api/press", {"user_id": alex_id, "message_id": 999_999}),
        ]
        for path, body in refused:
            async with http.post(base + path, json=body) as response:
                assert response.status == 400, (path, body)
        async with http.get(f"{base}/api/media/{alex_id}/999") as response:
            assert response.status == 404


async def test_run_without_a_token_points_to_the_sandbox(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env=subprocess_env(),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == EXIT_NO_TOKEN  # not at a terminal: no question, the way there
    text = err.decode()
    assert "@BotFather" in text and "make sandbox" in text and "127.0.0.1:8080" in text


async def test_a_simulated_person_can_have_another_telegram_language() -> None:
    async with Sandbox(None, 0).running() as sandbox, aiohttp.ClientSession() as http:
        base = f"http://127.0.0.1:{sandbox.port}"
        person = {"name": "Lena", "language_code": "de"}
        async with http.post(base + "/api/users", json=person) as response:
            lena_id = (await response.json())["id"]
        lena = sandbox.emulator.users[lena_id]
        notice = await lena.ask("/start")
        with speaking("de"):
            agree = onboarding_texts.button_agree()
        assert agree != "✅ I agree" and agree in notice.button_labels
