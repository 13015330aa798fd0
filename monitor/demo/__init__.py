"""`oversight-monitor demo`: the Stephen Port case replayed offline through the real pipeline.

timeline.py holds the steps as data, pages/ the reconstructed pages, site.py the local copies
of the IOPC and Met sites, mailbox.py the local mail server, replay.py the run, show.py the
terminal output and command.py the click command.
"""
