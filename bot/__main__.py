"""`python -m bot` does what the `peercircle` command does."""

import sys

from bot.cli import main

sys.exit(main())
