"""Texts under debate: paragraph operations (`paragraphs`), word diffs (`diff`) and the
sanitising of what users type (`sanitize`). Pure functions, no database: the live rooms,
the actions and the public archive all use these, so they agree on every text."""
