"""Packaging hook: carry the repository's artefact folders inside the wheel.

The ontology, shapes, saved queries and core data live at the top of the repository (where stewards and
tests edit them), not inside the ``ccg_graph`` package, and setuptools' package data cannot reach outside
a package. This copies them into ``ccg_graph/resources/`` of the built package, where
``ccg_graph.core.config.resource_dir`` finds them when the package is not running from a checkout. Everything
else about the build is declared in ``pyproject.toml``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
#: Kept in step with ``ccg_graph.core.config.RESOURCE_FOLDERS`` (tests/packaging checks the installed wheel).
RESOURCE_FOLDERS = ("ontology", "shapes", "queries", "data")


class BuildWithResources(build_py):
    """The ordinary ``build_py``, then the artefact folders copied into ``ccg_graph/resources``."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return  # an editable install reads the repository's folders in place
        target = Path(self.build_lib) / "ccg_graph" / "resources"
        for name in RESOURCE_FOLDERS:
            destination = target / name
            if destination.exists():
                shutil.rmtree(destination)
            shutil.copytree(ROOT / name, destination, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithResources})
