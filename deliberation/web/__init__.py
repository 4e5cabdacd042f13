"""The web pages of deliberation: a meeting's live pages and their controls, consultations,
the mediation desk and follow-up, and the meeting's video (conference, recording)."""
