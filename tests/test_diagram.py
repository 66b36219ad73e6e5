"""The model diagram in docs/ is the one the ontology generates."""

from ccg_graph.core.config import PROJECT_ROOT
from ccg_graph.guide.diagram import model_page


def test_docs_model_page_is_up_to_date() -> None:
    page = model_page(PROJECT_ROOT / "ontology")
    assert "ClinicalCommissioningGroup" in page and "org_FormalOrganization <|-- ClinicalCommissioningGroup" in page
    assert (PROJECT_ROOT / "docs" / "model.md").read_text(encoding="utf-8") == page, "run `ccg-graph diagram`"
