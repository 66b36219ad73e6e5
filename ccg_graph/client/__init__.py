"""The researcher's client: ccg-graph from Python, against any SPARQL 1.1 endpoint, as pandas DataFrames.

from ccg_graph.client import Client
graph = Client("http://127.0.0.1:8000/sparql")
graph.saved("ccg-count-by-month")            # a DataFrame: month (datetime64), ccgs (Int64)
graph.as_of("2019-04-01").ccgs_by_region()
graph.select("SELECT ?c WHERE { ?c <https://w3id.org/ccg-graph/def#odsCode> ?code }", code="00C")
"""

from ccg_graph.client.as_of import AsOf
from ccg_graph.client.client import Client
from ccg_graph.client.errors import EndpointError, EndpointTimeout, EndpointUnreachable, QueryRejected
from ccg_graph.client.frames import frame_from_json
from ccg_graph.client.terms import iri

__all__ = [
    "AsOf",
    "Client",
    "EndpointError",
    "EndpointTimeout",
    "EndpointUnreachable",
    "QueryRejected",
    "frame_from_json",
    "iri",
]
