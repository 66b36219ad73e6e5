"""Matching the supplier names of CCG payments to organisations in the graph, saying how and how sure.

CCGs wrote supplier names freely ("GUYS & ST THOMAS HOSPITAL NHS FOUNDATION TRUST", "NHS NEL CSU 23779935");
the 3SC project cleaned them into a standard name. Each standard name is tried against the rules below in
order, and the first that gives exactly one organisation wins (a rule giving two or more candidates gives
none, so no match is a guess between organisations):

======================  ============================================================  ==========
method                  rule                                                          confidence
======================  ============================================================  ==========
ods-trust-name          the normalised name equals the name of a trust in an ODS      exact
                        ``etr`` release (2015, 2021 or 2026)
ods-trust-core-name     the set of words of the name without THE/NHS/FOUNDATION/TRUST/  probable
                        HOSPITAL(S)/AND equals that of exactly one trust, and the
                        name says TRUST
csu-name                the name contains CSU or COMMISSIONING SUPPORT UNIT; the CSU   exact
                        is what is left without NHS, CSU and trailing numbers
ccg-name                the normalised name equals a CCG's name (any ONS spelling)     exact
practice-name-in-payer  the normalised name equals the ODS name of a GP practice      probable
                        the paying CCG commissioned (ODS epraccur June 2018)
local-authority-name    the name, without COUNCIL and the like and any bracketed      probable
                        text, equals the name of an upper-tier local authority
companies-house-number  the 3SC project matched a Companies House number              exact
charity-number          the 3SC project matched a Charity Commission number           exact
======================  ============================================================  ==========

Normalising: upper case, "&" read as AND, apostrophes (and the backticks some CCGs typed for them) dropped,
other punctuation as spaces, FT read as FOUNDATION TRUST, blanks collapsed. A name no rule matches stays a
named supplier (``name`` method).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

_NON_WORD = re.compile(r"[^A-Z0-9]+")
_ABBREVIATIONS = {"FT": "FOUNDATION TRUST", "NHSFT": "NHS FOUNDATION TRUST", "HOSP": "HOSPITAL"}
_TRUST_NOISE = frozenset({"THE", "NHS", "FOUNDATION", "TRUST", "HOSPITAL", "HOSPITALS", "AND"})
_CSU = re.compile(r"\b(CSU|COMMISSIONING SUPPORT UNIT|COMMISSIONING SUPPORT SERVICES?)\b")
_CSU_NOISE = re.compile(r"\b(NHS|CSU|COMMISSIONING SUPPORT UNIT|COMMISSIONING SUPPORT SERVICES?|[0-9]+)\b")
_BRACKETS = re.compile(r"\([^)]*\)")
_COUNCIL_WORDS = re.compile(
    r"\b(COUNCIL|COUNTY|CITY|BOROUGH|METROPOLITAN|DISTRICT|LONDON BOROUGH OF|ROYAL BOROUGH OF|CITY OF|OF|THE)\b"
)

#: Match methods (ccg:matchMethod slugs) and their confidence.
EXACT = "exact"
PROBABLE = "probable"
METHODS = {
    "ods-trust-name": EXACT,
    "ods-trust-core-name": PROBABLE,
    "csu-name": EXACT,
    "ccg-name": EXACT,
    "practice-name-in-payer": PROBABLE,
    "local-authority-name": PROBABLE,
    "companies-house-number": EXACT,
    "charity-number": EXACT,
    "name": "",
}


def normalise(name: str) -> str:
    """The comparable form of an organisation name (see the module docstring)."""
    text = name.upper().replace("&", " AND ")
    for apostrophe in ("'", "\u2019", "`"):
        text = text.replace(apostrophe, "")
    words = [_ABBREVIATIONS.get(word, word) for word in _NON_WORD.sub(" ", text).split()]
    return " ".join(words)


def trust_core(name: str) -> str:
    """The set of a trust name's distinctive words, in any order ("SOUTHAMPTON UNIVERSITY HOSPITALS NHS
    FOUNDATION TRUST" and "UNIVERSITY HOSPITAL SOUTHAMPTON NHS FOUNDATION TRUST" share theirs)."""
    return " ".join(sorted({word for word in normalise(name).split() if word not in _TRUST_NOISE}))


def csu_key(standard_name: str) -> str | None:
    """The CSU a supplier name names (``NEL`` for "NHS NEL CSU 23779935"), or None if it names no CSU."""
    text = normalise(standard_name)
    if _CSU.search(text) is None:
        return None
    core = " ".join(_CSU_NOISE.sub(" ", text).split())
    return core or None


def authority_core(name: str) -> str:
    text = normalise(_BRACKETS.sub(" ", name.upper()))
    return " ".join(_COUNCIL_WORDS.sub(" ", text).split())


def _unique(index: dict[str, set[str]]) -> dict[str, str]:
    return {key: next(iter(values)) for key, values in index.items() if len(values) == 1}


@dataclass(frozen=True, slots=True)
class Match:
    kind: str  # trust, csu, ccg, practice, local-authority, company, charity, name
    key: str  # the ODS / ONS code, CSU key, register number or the standard name
    method: str

    @property
    def confidence(self) -> str:
        return METHODS[self.method]


class SupplierMatcher:
    """Indexes of the organisations a supplier name can be matched to, built once per build."""

    def __init__(
        self,
        trust_names: dict[str, set[str]],
        ccg_names: dict[str, set[str]],
        practices_by_ccg: dict[str, dict[str, set[str]]],
        authority_names: dict[str, str],
    ) -> None:
        exact: dict[str, set[str]] = defaultdict(set)
        core: dict[str, set[str]] = defaultdict(set)
        for code, names in trust_names.items():
            for name in names:
                exact[normalise(name)].add(code)
                core[trust_core(name)].add(code)
        self._trust = _unique(exact)
        self._trust_core = _unique(core)
        ccg_index: dict[str, set[str]] = defaultdict(set)
        for code, names in ccg_names.items():
            for name in names:
                ccg_index[normalise(name)].add(code)
        self._ccg = _unique(ccg_index)
        self._practices = {
            ccg: _unique({normalise(name): codes for name, codes in names.items()})
            for ccg, names in practices_by_ccg.items()
        }
        authorities: dict[str, set[str]] = defaultdict(set)
        for code, name in authority_names.items():
            authorities[authority_core(name)].add(code)
        self._authorities = _unique(authorities)

    def match(
        self, standard_name: str, payer: str, company_number: str, charity_number: str, is_authority: bool
    ) -> Match:
        """The organisation a payment's supplier is, by the first rule that names exactly one."""
        text = normalise(standard_name)
        if text in self._trust:
            return Match("trust", self._trust[text], "ods-trust-name")
        if "TRUST" in text.split() and (core := trust_core(standard_name)) in self._trust_core:
            return Match("trust", self._trust_core[core], "ods-trust-core-name")
        if (csu := csu_key(standard_name)) is not None:
            return Match("csu", csu, "csu-name")
        if text in self._ccg:
            return Match("ccg", self._ccg[text], "ccg-name")
        practice = self._practices.get(payer, {}).get(text)
        if practice is not None:
            return Match("practice", practice, "practice-name-in-payer")
        if is_authority and (authority := self._authorities.get(authority_core(standard_name))) is not None:
            return Match("local-authority", authority, "local-authority-name")
        if company_number:
            return Match("company", company_number, "companies-house-number")
        if charity_number:
            return Match("charity", charity_number, "charity-number")
        return Match("name", standard_name, "name")


def names_by_code(pairs: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    result: dict[str, set[str]] = defaultdict(set)
    for code, name in pairs:
        result[code].add(name)
    return result
