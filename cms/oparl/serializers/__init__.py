"""OParl 1.1 objects built from the council's records.

Every builder takes what a list page prefetched and issues no query of its own, so a list
page costs the same number of queries whatever its size.
"""

from cms.oparl.serializers.body import (
    body,
    file,
    legislative_term,
    location,
    membership,
    organ,
    organ_id,
    organization,
    person,
    system,
)
from cms.oparl.serializers.common import (
    BODY_ID,
    EXT,
    FIRST_TERM_YEAR,
    LICENSE,
    ORGAN_PREFIX,
    SCHEMA,
    TERM_YEARS,
    Context,
    iso,
    term_start_year,
)
from cms.oparl.serializers.meetings import agenda_item, meeting, recording_files, vote_event
from cms.oparl.serializers.papers import consultation, proposal_paper, recommendation_paper

__all__ = [
    "BODY_ID",
    "EXT",
    "FIRST_TERM_YEAR",
    "LICENSE",
    "ORGAN_PREFIX",
    "SCHEMA",
    "TERM_YEARS",
    "Context",
    "agenda_item",
    "body",
    "consultation",
    "file",
    "iso",
    "legislative_term",
    "location",
    "meeting",
    "membership",
    "organ",
    "organ_id",
    "organization",
    "person",
    "proposal_paper",
    "recommendation_paper",
    "recording_files",
    "system",
    "term_start_year",
    "vote_event",
]
