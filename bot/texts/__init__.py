"""Every text the bot sends, one module per feature, in one place to review and translate.
HTML parse mode."""
