"""A plain (non-editable) install works: the wheel carries the artefacts and writes only where the user says.

The wheel is built from a copy of the sources (so the build leaves nothing in the checkout) and installed,
without its dependencies, into a fresh virtual environment that sees the test environment's packages through
a path file; `ccg-graph` then runs from a working directory outside the repository, with no PYTHONPATH, so
the only `ccg_graph` it can import is the installed one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path

import pytest

from ccg_graph.core.config import PROJECT_ROOT, RESOURCE_FOLDERS

SOURCES = ("ccg_graph", *RESOURCE_FOLDERS, "pyproject.toml", "setup.py", "MANIFEST.in", "README.md")
EXAMPLES = PROJECT_ROOT / "data" / "examples"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, dict[str, str]]]:
    """(the venv's bin folder, its site-packages, the environment to run it in)."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    source.mkdir()
    for name in SOURCES:
        path = PROJECT_ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(path, source / name)
    wheels = root / "wheels"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", "--quiet"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "--wheel-dir", str(wheels), str(source)],
        check=True,
        cwd=root,
    )
    (wheel,) = wheels.glob("ccg_graph-*.whl")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site_packages = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # The dependencies come from the test environment: a plain path line adds its site-packages to sys.path
    # after the venv's own, and (unlike site.addsitedir) runs none of its .pth files, so an editable
    # install of the checkout there stays out of the way.
    (site_packages / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([*pip, "--python", str(python), "install", "--no-deps", str(wheel)], check=True)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHONPATH", "CCG_GRAPH_"))}
    env["COLUMNS"] = "400"  # rich's table would otherwise cut long query names to the terminal's width
    yield venv / "bin", site_packages, env


def run(installed: tuple[Path, Path, dict[str, str]], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    bin_dir, _, env = installed
    return subprocess.run(
        [str(bin_dir / "ccg-graph"), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_installed_package_is_the_wheel(installed: tuple[Path, Path, dict[str, str]], tmp_path: Path) -> None:
    bin_dir, site_packages, env = installed
    code = (
        "import ccg_graph.core.config as c; s = c.get_settings(); "
        "print(c.PACKAGE_DIR, s.queries_dir, s.shapes_dir, s.build_dir, s.reference_data_dir, sep='\\n')"
    )
    result = subprocess.run(
        [str(bin_dir / "python"), "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, check=True
    )
    package, queries, shapes, build, reference = (Path(line) for line in result.stdout.splitlines())
    assert package == (site_packages / "ccg_graph").resolve()
    assert queries == package / "resources" / "queries" and shapes == package / "resources" / "shapes"
    assert build == tmp_path.resolve() / "build", "the build folder defaults to ./build in the working directory"
    assert reference == tmp_path.resolve() / "reference-data"


def test_queries_lists_every_saved_query(installed: tuple[Path, Path, dict[str, str]], tmp_path: Path) -> None:
    result = run(installed, tmp_path, "queries")
    assert result.returncode == 0, result.stderr
    expected = sorted(path.stem for path in (PROJECT_ROOT / "queries").glob("*.rq"))
    assert expected, "the repository has saved queries"
    missing = [name for name in expected if name not in result.stdout]
    assert not missing, f"`ccg-graph queries` from the wheel does not list {missing}:\n{result.stdout}"


def test_validate_uses_the_packaged_shapes(installed: tuple[Path, Path, dict[str, str]], tmp_path: Path) -> None:
    complete = run(installed, tmp_path, "validate", str(EXAMPLES / "governing-body-complete.ttl"))
    assert complete.returncode == 0, complete.stdout + complete.stderr
    assert "Conforms" in complete.stdout
    # Without the shapes every file would conform: the missing nurse shows they were found.
    missing = run(installed, tmp_path, "validate", str(EXAMPLES / "governing-body-missing-nurse.ttl"))
    assert missing.returncode == 1, missing.stdout + missing.stderr
    assert "registered nurse" in missing.stdout


def test_nothing_is_written_into_site_packages(installed: tuple[Path, Path, dict[str, str]], tmp_path: Path) -> None:
    _, site_packages, _ = installed
    run(installed, tmp_path, "releases")
    package = site_packages / "ccg_graph"
    assert not (package / "build").exists() and not (site_packages / "build").exists()
    assert not (site_packages / "reference-data").exists() and not (site_packages.parent / "shared").exists()
