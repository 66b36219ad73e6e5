"""Running queries: worker processes (or threads) that evaluate a query against the store and stream its answer."""
