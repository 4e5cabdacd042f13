"""deliberation's records in the admins: the meetings, consultations and moderation queue
in Wagtail's, and read-only views of the record in Django's.

Importing the package registers them all; Wagtail finds it through
`deliberation.wagtail_hooks`, Django's admin through its autodiscovery of this package.
"""

from deliberation.admin import consultations, meetings, moderation, records

__all__ = ["consultations", "meetings", "moderation", "records"]
