"""Read replicas: a primary offers a verified snapshot of its current release and its change feed; a replica
boots from the snapshot, follows the feed and serves only the releases it has applied.

`snapshot` and `routes` are the primary's side (``/replication/status``, ``/replication/snapshot``);
`store`, `feed` and `follower` the replica's (``ccg-graph serve --replica-of URL``); `nginx` writes the load
balancer's configuration for one primary and N replicas. See docs/deployment.md.
"""
