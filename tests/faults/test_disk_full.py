"""Disk full on the embedded store: a clear error to the client and an intact, still-published store.

Stand-in for a full disk: RLIMIT_FSIZE on the server process (set with `ulimit -f` semantics through
`resource.setrlimit` in the child before it starts). Writing past the limit fails with EFBIG exactly where a
full disk fails with ENOSPC — in RocksDB's write-ahead log and table files while the new generation is made —
and it needs no root, no loop device and no tmpfs, so it runs the same on a laptop and in CI. (Python ignores
SIGXFSZ, so the process gets the error instead of being killed by the signal.)
"""

from __future__ import annotations

from pathlib import Path

from tests.faults.conftest import count_in_graph, health, launch, put_ntriples


def file_size_limit(build_dir: Path) -> int:
    """Bytes any one file the server writes may reach: room for the build's largest file (the store's files
    are copied into each new generation) plus 1 MiB for a small write, far below what the big write needs."""
    largest = max(path.stat().st_size for path in build_dir.rglob("*") if path.is_file())
    return largest + 1024 * 1024


def test_a_write_that_fills_the_disk_fails_cleanly_and_the_store_stays_intact(fault_build: Path) -> None:
    limit = file_size_limit(fault_build)
    server = launch(fault_build, file_size_limit=limit)
    try:
        small = put_ntriples(
            server.url,
            "http://example.org/disk/small",
            b'<http://example.org/disk/a> <http://example.org/disk/p> "fits" .',
        )
        assert small.status_code == 201, small.text
        before = health(server.url)
        lines = 2 * limit // 200  # the write-ahead log of this change alone is larger than the limit
        body = "".join(
            f'<http://example.org/disk/s{i}> <http://example.org/disk/p> "{"x" * 200} {i}" .\n' for i in range(lines)
        ).encode()
        assert len(body) > 2 * limit
        big = put_ntriples(server.url, "http://example.org/disk/big", body, timeout=120)
        assert big.status_code == 507, f"{big.status_code}: {big.text[:500]}"
        message = big.json()["message"]
        assert "space" in message and "nothing was written" in message, message
        assert "/" not in message.replace("N/A", ""), f"an internal path leaked: {message}"
        assert health(server.url) == before
        assert count_in_graph(server.url, "http://example.org/disk/big") == 0
        assert count_in_graph(server.url, "http://example.org/disk/small") == 1
    finally:
        server.stop()
    restarted = launch(fault_build)
    try:
        assert health(restarted.url)["quads"] == before["quads"]
        assert count_in_graph(restarted.url, "http://example.org/disk/small") == 1
        again = put_ntriples(
            restarted.url,
            "http://example.org/disk/after",
            b'<http://example.org/disk/b> <http://example.org/disk/p> "after" .',
        )
        assert again.status_code == 201, again.text
    finally:
        restarted.stop()
