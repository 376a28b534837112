"""Everything here kills processes, breaks disks or floods the bot: marked `reliability`,
so `make test-fast` can leave it out of the everyday loop (CI runs it all)."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.reliability)
