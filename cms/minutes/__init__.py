"""A meeting's minutes (drafted from the record, approved by the council), its public page,
and the follow-up of the council's recommendations."""
