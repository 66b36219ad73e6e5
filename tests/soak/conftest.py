"""The soak reuses the fault tests' build fixture (a throwaway core graph with an update token)."""

from tests.faults.conftest import fault_build

__all__ = ["fault_build"]
