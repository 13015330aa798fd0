"""The web interface: cases, announcements, search, source health, corrections, feeds."""
