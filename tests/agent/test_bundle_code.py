"""The studio code a phone bundle carries: the agent side and the runtime profiles only.

The desktop's resources (sample model and images, translations, icons, catalogue,
device profiles) live inside the studio package; the bundle must not carry them.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from studio.agent.bundle.build import copy_code
from studio.paths import resource


@pytest.fixture(scope="module")
def code(tmp_path_factory):
    tree = tmp_path_factory.mktemp("bundle-code")
    copy_code(tree)
    return tree


def test_the_bundle_carries_the_runtime_profiles_and_no_desktop_resources(code):
    carried = sorted(
        p.relative_to(code / "studio" / "resources").as_posix()
        for p in (code / "studio" / "resources").rglob("*")
        if p.is_file()
    )
    shipped = sorted(f"runtimes/{p.name}" for p in resource("runtimes").glob("*.json"))
    assert shipped and carried == shipped
    assert not (code / "resources").exists()


def test_the_bundled_studio_finds_its_profiles_where_it_runs(code):
    # The phone runs the bundle's code/ first on its path; so does this child.
    done = subprocess.run(
        [sys.executable, "-P", "-c", "import studio.paths as p; print(p.resource('runtimes'))"],
        env={"PYTHONPATH": str(code), "PATH": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    found = done.stdout.strip()
    assert found == str(code / "studio" / "resources" / "runtimes")
    assert json.loads((code / "studio" / "resources" / "runtimes" / "ort-cpu.json").read_text())
