"""Peer moderators: roles, reports, mutes and bans, announcements and the audit log.
rules.py is pure (durations, outcomes, audit lines), service.py owns the transactions,
messages.py what members are told, callbacks.py the mr: buttons; sanctions.py is how the
rest of the bot sees a mute or ban, audit.py writes an action's audit row in its own
transaction, menus.py sets the command menus per role."""
