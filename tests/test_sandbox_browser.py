"""The sandbox in a real browser: headless Chromium (Debian's) driven by Playwright.

Onboarding, a check-in, /trends with its chart displayed, and encouragement relayed from
one member to another, with screenshots. Chromium is installed with apt when missing; the
test is skipped, saying why, only where that cannot be done.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.sandbox.server import Sandbox

CHROMIUM = "/usr/bin/chromium"
SHOTS = (
    Path(os.environ.get("PEERCIRCLE_SCREENSHOTS", ""))
    if os.environ.get("PEERCIRCLE_SCREENSHOTS")
    else None
)


def ensure_chromium() -> str:
    """Debian's Chromium, installed now if it is missing; skip when that is impossible."""
    found = shutil.which("chromium") or (CHROMIUM if Path(CHROMIUM).exists() else None)
    if found:
        return found
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.skip("no Chromium, and apt-get as root is not available to install it")
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"]
    for command in (["apt-get", "update", "-qq"], install):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600,
                              check=False)  # fmt: skip
        if done.returncode != 0:
            pytest.skip(f"Chromium could not be installed: {done.stderr.strip()[-300:]}")
    found = shutil.which("chromium")
    if not found:
        pytest.skip("apt-get installed no chromium executable")
    return found


async def test_a_newcomer_tries_everything_in_the_browser(tmp_path: Path) -> None:
    chromium = ensure_chromium()
    playwright_api = pytest.importorskip("playwright.async_api", reason="playwright missing")
    shots = SHOTS or tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    async with Sandbox(None, 0).running() as sandbox, playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        page = await browser.new_page(viewport={"width": 1200, "height": 850})
        await page.goto(f"http://127.0.0.1:{sandbox.port}/")
        bot = page.locator(".msg.bot")

        async def send(text: str) -> None:
            await page.fill("#text", text)
            await page.click("#send")

        async def tap(label: str) -> None:
            await page.locator(".msg.bot .buttons button", has_text=label).last.click()

        async def shows(text: str) -> None:
            await bot.filter(has_text=text).last.wait_for(timeout=15_000)

        async def person(name: str) -> None:
            await page.locator("#people li", has_text=name).first.click()

        async def onboard(name: str) -> None:
            await page.fill("#add-name", name)
            await page.click("#add-person")
            await send("/start")
            await shows("Welcome to peercircle")
            await tap("I agree")
            await shows("Keep it, or draw another")
            await tap("Keep")
            await shows("Which time zone")
            await tap("Berlin (")
            await shows("When would you like your daily check-in")
            await tap("20:00")
            await shows("You're all set")

        await onboard("Alex")
        await page.screenshot(path=shots / "1-onboarding.png")

        await send("/checkin")
        await shows("How is your mood today?")
        await tap("4")
        await shows("confident")
        await tap("7")
        await shows("private note")
        await tap("Skip")
        await shows("Thank you for checking in")
        await page.screenshot(path=shots / "2-checkin.png")

        await send("/trends")
        chart = page.locator(".msg.bot img").last
        await chart.wait_for(timeout=20_000)
        await page.wait_for_function(
            "() => [...document.querySelectorAll('.msg.bot img')].some("
            "i => i.complete && i.naturalWidth > 300)",
            timeout=20_000,
        )
        await page.screenshot(path=shots / "3-trends.png")

        await person("Mo (moderator)")
        await send("/newcircle Morning Walkers")
        await shows("is ready")
        link = await bot.filter(has_text="is ready").last.inner_text()
        match = re.search(r"start=([\w-]+)", link)
        assert match, link
        code = match.group(1)
        await person("Alex")
        await send(f"/start {code}")
        await shows("Welcome to the circle")
        await onboard("Bo")
        await send(f"/start {code}")
        await shows("Welcome to the circle")
        await person("Alex")
        await send("/encourage One day at a time, you've got this")
        await shows("Sent to 1 member")
        await person("Bo")
        await shows("One day at a time, you've got this")
        await page.screenshot(path=shots / "4-encouragement.png")

        await page.click(".jump[data-hours='24']")
        await page.locator("#clock", has_text="h ahead").wait_for(timeout=5_000)
        await browser.close()
    for name in ("1-onboarding", "2-checkin", "3-trends", "4-encouragement"):
        assert (shots / f"{name}.png").stat().st_size > 10_000, name
