"""The SPARQL 1.1 protocols as functions: Query/Update requests, the Graph Store protocol, the service description."""
