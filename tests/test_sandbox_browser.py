"""The sandbox in a real browser: headless Chromium (Debian's) driven by Playwright.

Onboarding, a check-in, /trends with its chart displayed (and measured at a phone's width),
and encouragement relayed from one member to another, with screenshots. Chromium is
installed with apt when missing; the test is skipped, saying why, only where that cannot
be done.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from bot.charts import DPI, PHONE_PX, TEXT_PT, text_px
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
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=600, check=False
        )
        if done.returncode != 0:
            pytest.skip(f"Chromium could not be installed: {done.stderr.strip()[-300:]}")
    found = shutil.which("chromium")
    if not found:
        pytest.skip("apt-get installed no chromium executable")
    return found


def first_date_digit_px(png: bytes) -> int:
    """How tall, in screen px, the first digit of the chart's first date label is drawn.

    What is measured: the chart as the browser displays it (an element screenshot at one
    device pixel per CSS px). Ink is a pixel with every channel below 128, which on these
    charts only text is (the frame and grid are light grey, data and marks coloured). The
    date labels are the lowest text on the chart; the first run of ink columns in that band
    is one digit, and its rows with ink are its height: digits are about 0.73 of the font
    size, so this is the text's visible height, not its em.
    """
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    ink = (pixels < 128).all(axis=2)
    rows = np.flatnonzero(ink.any(axis=1))
    bottom = top = int(rows[-1])
    while top > 0 and ink[top - 1].any():
        top -= 1
    band = ink[top : bottom + 1]
    columns = np.flatnonzero(band.any(axis=0))
    end = int(columns[0])
    while end + 1 < band.shape[1] and band[:, end + 1].any():
        end += 1
    digit_rows = np.flatnonzero(band[:, columns[0] : end + 1].any(axis=1))
    return int(digit_rows[-1] - digit_rows[0] + 1)


async def phone_width_chart(page: Any, shots: Path) -> None:
    """The chart at a phone's width: as wide as the chat, its text at least 10 px tall, and
    the 7-day button putting a new picture in the same message."""
    await page.set_viewport_size({"width": PHONE_PX, "height": 780})
    chart = page.locator(".msg.bot img").last
    await chart.scroll_into_view_if_needed()
    box = await chart.bounding_box()
    natural = await chart.evaluate("i => i.naturalWidth")
    assert box is not None and 0.85 * PHONE_PX <= box["width"] <= PHONE_PX, box
    # From the chart's known font size and dpi: the em at the width it is displayed.
    assert text_px(natural, box["width"], TEXT_PT, DPI) >= 12, (natural, box)
    # From the pixels on screen: a digit of the date labels, measured.
    assert first_date_digit_px(await chart.screenshot()) >= 10
    await page.screenshot(path=shots / "3-trends-phone.png")

    charts = await page.locator(".msg.bot img").count()
    source = await chart.get_attribute("src")
    await page.locator(".msg.bot .buttons button", has_text="7 days").last.click()
    await page.locator(".msg.bot .buttons button", has_text="✓ 7 days").wait_for(timeout=20_000)
    await page.wait_for_function(
        "s => { const i = [...document.querySelectorAll('.msg.bot img')].pop();"
        " return i.getAttribute('src') !== s && i.complete && i.naturalWidth > 300; }",
        arg=source,
        timeout=20_000,
    )
    assert await page.locator(".msg.bot img").count() == charts  # edited, not a new message
    assert await page.locator(".msg.bot", has_text="Last 7 days").count() == 1
    assert first_date_digit_px(await page.locator(".msg.bot img").last.screenshot()) >= 10
    await page.set_viewport_size({"width": 1200, "height": 850})


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
        await phone_width_chart(page, shots)

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
    for name in ("1-onboarding", "2-checkin", "3-trends", "3-trends-phone", "4-encouragement"):
        assert (shots / f"{name}.png").stat().st_size > 10_000, name
