"""The load balancer's configuration: nginx in front of one primary and N read replicas.

Debian's nginx has no active health checks, so failures are detected passively: a replica that refuses a
connection, resets it or times out is marked down for ``fail_timeout`` after ``max_fails`` failures, and the
request is retried on the next server (``proxy_next_upstream``), which nginx does only for idempotent
methods. Reads (GET, HEAD, and POSTed ``application/sparql-query``, which cannot be an update) are balanced
over the replicas with the primary as a backup for when every replica is down; everything else (updates,
the Graph Store protocol's writes, submissions) goes to the primary, as do the routes only a primary
answers (the change feed, the submission log, the replication snapshot). Replicas of the same release
answer with the same ETags, so a client's ``If-None-Match`` works whichever server it reaches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ccg_graph.core.errors import BadInput


@dataclass(frozen=True)
class BalancerPlan:
    """What the configuration is made from."""

    primary: str
    replicas: tuple[str, ...]
    listen: str = "127.0.0.1:8080"
    prefix: Path = field(default_factory=lambda: Path("/var/lib/ccg-graph-nginx"))
    workers: str = "auto"
    max_fails: int = 1
    fail_timeout_seconds: int = 10
    max_body: str = "16m"
    access_log: bool = False
    #: Balance reads over the primary too: for API processes over one database server, which are all alike.
    reads_on_primary: bool = False


def server_address(url: str, what: str) -> str:
    """``host:port`` of an http URL (nginx's upstream servers take addresses, not URLs)."""
    parts = urlsplit(url.strip())
    if parts.scheme != "http" or not parts.hostname or parts.path not in ("", "/") or parts.query:
        raise BadInput(f"{what} {url!r} must be an http://host:port base URL (TLS ends at nginx)")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{host}:{parts.port or 80}"


def _listen(value: str) -> str:
    text = value.strip()
    if not text or any(c in text for c in ";{}\n\"' "):
        raise BadInput(f"--listen {value!r} must be a port or an address:port")
    return text


def nginx_config(plan: BalancerPlan) -> str:
    """A complete nginx.conf: run it with ``nginx -p PREFIX -c FILE`` (``-g 'daemon off;'`` in the foreground)."""
    if not plan.replicas:
        raise BadInput("give at least one --replica")
    primary = server_address(plan.primary, "--primary")
    replicas = [server_address(url, "--replica") for url in plan.replicas]
    if primary in replicas:
        raise BadInput(f"{plan.primary} is given as both the primary and a replica")
    prefix = plan.prefix
    for char in ";{}\"' \n":
        if char in str(prefix):
            raise BadInput(f"--prefix {str(prefix)!r} must be a plain path")
    passive = f"max_fails={plan.max_fails} fail_timeout={plan.fail_timeout_seconds}s"
    read_servers = "\n".join(f"        server {address} {passive};" for address in replicas)
    reads_comment = (
        "every API process, passively checked."
        if plan.reads_on_primary
        else "the replicas, passively checked; the primary only when every replica is down."
    )
    access = f"access_log {prefix}/access.log;" if plan.access_log else "access_log off;"
    return f"""# ccg-graph behind nginx: one primary, {len(replicas)} read replica(s); from `ccg-graph deploy nginx`.
# Run: nginx -p {prefix} -c <this file>   (add -g 'daemon off;' to keep it in the foreground)
worker_processes {plan.workers};
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;

events {{
    worker_connections 4096;
}}

http {{
    {access}
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    client_max_body_size {plan.max_body};
    server_tokens off;

    # Reads: {reads_comment}
    upstream ccg_graph_reads {{
{read_servers}
        server {primary} {passive if plan.reads_on_primary else "backup"};
        keepalive 32;
    }}

    # Writes, and the routes only the primary has (change feed, submission log, snapshots).
    upstream ccg_graph_primary {{
        server {primary};
        keepalive 8;
    }}

    # Which pool a request goes to: GET and HEAD are reads; a POSTed query (application/sparql-query)
    # is a read too; any other POST, PUT or DELETE may write, so it goes to the primary.
    map "$request_method $content_type" $ccg_graph_pool {{
        default ccg_graph_primary;
        "~^(GET|HEAD) " ccg_graph_reads;
        "~^POST application/sparql-query" ccg_graph_reads;
    }}

    server {{
        listen {_listen(plan.listen)};

        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_connect_timeout 2s;
        proxy_read_timeout 120s;
        # Passive health checking: a failed connection, a reset or a gateway error moves the request
        # to the next server; nginx retries idempotent requests only (a POSTed query included, below).
        proxy_next_upstream error timeout http_502 http_504;
        proxy_next_upstream_tries 3;
        proxy_next_upstream_timeout 10s;

        location ~ ^/(changes|submissions|replication/) {{
            proxy_pass http://ccg_graph_primary;
        }}

        location = /sparql {{
            proxy_next_upstream error timeout http_502 http_504 non_idempotent;
            proxy_pass http://$ccg_graph_pool;
        }}

        location / {{
            proxy_pass http://$ccg_graph_pool;
        }}
    }}
}}
"""


def temp_folders(prefix: Path) -> list[Path]:
    """The folders the configuration names under `prefix`, to create before nginx starts."""
    return [prefix / name for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")]
