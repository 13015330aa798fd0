"""The fault suite: the whole program under broken sites, bad input, kills and outages.

Each module proves one family of faults end to end (config → engine → store → outbox) against
real local servers. docs/operations.md maps every fault to the test that proves it. Long
variants are marked `soak` and run with `pytest -m soak`.
"""
