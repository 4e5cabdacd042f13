"""The house's shape holds: no import loop, no hidden one, imports point down the layers, no
function-local project import outside `AppConfig.ready`, no module a newcomer cannot read at
once. `python -m tests.architecture -v` prints the same figures."""

from tests import architecture


def test_no_import_loop_even_through_function_local_imports():
    found = architecture.modules()
    assert architecture.import_loops(found) == []
    assert architecture.import_loops(found, hidden=True) == []


def test_imports_point_cms_to_deliberation_to_council():
    assert architecture.layer_violations(architecture.modules()) == []


def test_no_app_below_cms_names_its_urls():
    # The pages cms serves are linked from below through council/links.py (the wiring),
    # not by their URL names scattered in deliberation's and council's code and templates.
    assert architecture.names_of_upper_urls() == []


def test_no_function_local_project_import():
    local = [
        f"{m.name}:{line} → {target}"
        for m in architecture.modules().values()
        for line, target in m.local_imports
    ]
    assert local == []


def test_every_module_reads_at_once():
    long = {
        m.name: m.lines for m in architecture.modules().values() if m.lines > architecture.MAX_LINES
    }
    assert long == {}


def test_the_measure_sees_what_it_should():
    # The measure itself: it finds the project's modules, their imports and a loop it is shown.
    found = architecture.modules()
    assert {"council.settings", "deliberation.models", "cms.models"} <= set(found)
    assert found["council.urls"].imports, "the root URLconf imports the apps' URLs"
    fake = {
        "a": architecture.Module("a", found["council.urls"].path, 1, imports={"b"}),
        "b": architecture.Module("b", found["council.urls"].path, 1, hidden={"a"}),
    }
    assert architecture.import_loops(fake) == []
    assert architecture.import_loops(fake, hidden=True) == [["a", "b"]]
