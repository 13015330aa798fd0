"""Stage vocabulary and the announcement classifier."""
