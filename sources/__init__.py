"""Source plugins: one module per site or generic kind, registered by entry point."""
