"""The public archive of decisions: its list, search and CSV export, one decision's page,
its address and its full-text index; and the site's page search."""
