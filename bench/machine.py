"""The machine and software versions a run was taken on, for the results file."""

from __future__ import annotations

import platform
import subprocess
from importlib import metadata

import psutil

PACKAGES = ("ccg-graph", "pyoxigraph", "oxigraph", "rdflib", "rdflib-endpoint", "pyshacl", "fastapi", "uvicorn")


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _wrk_version() -> str | None:
    try:
        completed = subprocess.run(["wrk", "--version"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (completed.stdout or completed.stderr).strip().splitlines()
    return text[0] if text else None


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def describe() -> dict:
    return {
        "cpu": _cpu_model(),
        "cores": psutil.cpu_count(logical=True),
        "memory_bytes": psutil.virtual_memory().total,
        "load_average_at_start": [round(x, 2) for x in psutil.getloadavg()],
        "os": platform.platform(),
        "python": platform.python_version(),
        "versions": {package: _version(package) for package in PACKAGES} | {"wrk": _wrk_version()},
    }
