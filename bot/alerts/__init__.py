"""Crisis alerts after they are raised: taking one, the private thread with the member,
resolving it or calling it a false alarm. service.py owns the transactions, messages.py
what the thread sends, callbacks.py the cr: buttons."""
