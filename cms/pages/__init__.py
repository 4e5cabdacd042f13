"""What the public pages show, read from deliberation and from the pages below them:
each page model's `get_context` asks the module named after it."""
