"""`AsOf`: the saved queries that ask about one day, with the day bound (``client.as_of("2019-04-01")``).

Commissioning changed every April (and in between): most questions a researcher asks are "on this day".
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import pandas as pd

from ccg_graph.core.errors import BadQuery

if TYPE_CHECKING:
    from ccg_graph.client.client import Client


def _day(value: date | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as err:
        raise BadQuery(f"as_of must be a date (YYYY-MM-DD), not {value!r}") from err


class AsOf:
    """One day's view of the graph; each method runs one saved query with ``as_of`` bound to the day."""

    def __init__(self, client: Client, day: date | str) -> None:
        self.client = client
        self.day = _day(day)

    def __repr__(self) -> str:
        return f"AsOf({self.client.url!r}, {self.day.isoformat()})"

    def saved(self, name: str, **params: object) -> pd.DataFrame:
        """Any saved query that takes ``as_of``, with the day bound."""
        declared = {p.name for p in self.client.saved_query(name).parameters}
        if "as_of" not in declared:
            raise BadQuery(f"the saved query {name!r} takes no as_of parameter")
        frame = self.client.saved(name, as_of=self.day, **params)
        assert isinstance(frame, pd.DataFrame)
        return frame

    def ccgs(self) -> pd.DataFrame:
        """The CCGs open on the day (``ccgs-open-on``)."""
        return self.saved("ccgs-open-on")

    def counts(self) -> pd.DataFrame:
        """How many CCGs and ICBs were open (``commissioner-counts-on``)."""
        return self.saved("commissioner-counts-on")

    def regions(self) -> pd.DataFrame:
        """The NHS England regions that existed (``regions-on``)."""
        return self.saved("regions-on")

    def ccgs_by_region(self) -> pd.DataFrame:
        """CCGs per NHS England region (``ccgs-by-region-on``)."""
        return self.saved("ccgs-by-region-on")

    def practices_per_ccg(self) -> pd.DataFrame:
        """Member GP practices per CCG (``practices-per-ccg-on``)."""
        return self.saved("practices-per-ccg-on")

    def stp_memberships(self) -> pd.DataFrame:
        """Which STP each CCG belonged to (``stp-memberships-on``)."""
        return self.saved("stp-memberships-on")

    def member_practices(self, ccg: str) -> pd.DataFrame:
        """The GP practices of one CCG (IRI) (``ccg-member-practices-on``)."""
        return self.saved("ccg-member-practices-on", ccg=ccg)

    def oversight(self, ccg: str) -> pd.DataFrame:
        """The NHS England teams one CCG (IRI) answered to (``ccg-oversight-on``)."""
        return self.saved("ccg-oversight-on", ccg=ccg)

    def ons_code(self, code: str) -> pd.DataFrame:
        """The organisation an ONS code named on the day (``ons-code-on``)."""
        return self.saved("ons-code-on", code=code)
