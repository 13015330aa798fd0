"""Notifications: apprise channels, subscriptions, message rendering, the outbox, digests.

The engine calls `outbox.enqueue` inside the transaction that writes an event; the daemon runs
`outbox.deliver_due`, `digest.send_due_digests` and `health.dead_letter_note` on a timer.
"""
