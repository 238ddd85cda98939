"""The docs site builds with `mkdocs build --strict`, and the tutorial notebook runs top to bottom on the bundled
store (nbclient, a real Jupyter kernel), so the documentation cannot drift from the code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_site_builds_strict(tmp_path):
    res = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    assert (tmp_path / "site" / "api" / "index.html").read_text().count("dyad_frame") >= 1
    assert (tmp_path / "site" / "tutorial.ipynb").is_file()


@pytest.mark.slow
def test_tutorial_notebook_runs(bundled_store_path, tmp_path):
    import nbclient
    import nbformat

    nb = nbformat.read(ROOT / "docs" / "tutorial.ipynb", as_version=4)
    os.environ["DETENTE_STORE"] = str(bundled_store_path)  # the kernel inherits it: the session's bundled store
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": tmp_path}})
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert "South Caucasus" in text and "C13" in text
