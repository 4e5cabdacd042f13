"""The demo: its people, site, publications and English tree (`manage.py seed_demo`)."""

from cms.demo.seed import DEMO_PASSWORD, seed_demo, seed_people, seed_site

__all__ = ["DEMO_PASSWORD", "seed_demo", "seed_people", "seed_site"]
