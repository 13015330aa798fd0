"""A small read-only web interface: cases, timelines, source health, changes, Atom feeds."""
