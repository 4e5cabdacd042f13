"""The module Wagtail discovers: deliberation's admin lives in `deliberation.admin`."""

import deliberation.admin  # noqa: F401  (registers the snippets, actions, URLs and menus)
