"""Templates and the `new-source` command that writes a working plugin skeleton."""
