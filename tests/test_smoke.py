from bot.context import PeerApplication
from bot.emulator import BotApiEmulator


async def test_start_shows_notice(emulator: BotApiEmulator, bot: PeerApplication) -> None:
    user = emulator.user()
    reply = await user.ask("/start")
    assert "not a medical" in reply.shown_text
    assert any("I agree" in label for label in reply.button_labels)
