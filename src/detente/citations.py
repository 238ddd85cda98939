"""What to cite: detente itself, the methods its numbers rest on, and each dataset in the store.

``detente cite`` prints all three; ``detente cite icews gdelt_network`` only those datasets (plus detente and the
methods). The method entries are bibliographic facts (authors, title, venue); which module uses each is in
:data:`METHODS`.

Examples
--------
>>> sorted(METHODS)[:3]
['balance', 'bootstrap', 'cameo']
>>> "Goldstein" in METHODS["goldstein"].bibtex
True
>>> software_bibtex().startswith("@software{detente")
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from detente.errors import UserError

__all__ = ["METHODS", "Method", "bibtex", "datasets_bibtex", "software_bibtex"]


@dataclass(frozen=True)
class Method:
    """A method detente's numbers rest on: the modules that use it and its BibTeX entry."""

    used_by: str
    bibtex: str


METHODS: dict[str, Method] = {
    "goldstein": Method("CAMEO -> Goldstein intensity (cameo.py, GDELT network scores)", """@article{goldstein1992,
  author = {Goldstein, Joshua S.},
  title = {A Conflict-Cooperation Scale for {WEIS} Events Data},
  journal = {Journal of Conflict Resolution}, volume = {36}, number = {2}, pages = {369--385}, year = {1992}}"""),
    "cameo": Method("event codes (cameo.py, coding/)", """@techreport{schrodt2012cameo,
  author = {Schrodt, Philip A.},
  title = {{CAMEO}: Conflict and Mediation Event Observations Event and Actor Codebook, version 1.1b3},
  institution = {Pennsylvania State University}, year = {2012}}"""),
    "plover": Method("PLOVER event types (cameo.py crosswalk, POLECAT)", """@misc{plover,
  author = {{Open Event Data Alliance}},
  title = {{PLOVER}: Political Language Ontology for Verifiable Event Records},
  year = {2021}, howpublished = {\\url{https://github.com/openeventdata/PLOVER}}}"""),
    "signorino_ritter": Method("UN vote similarity S (alignment.py)", """@article{signorino1999,
  author = {Signorino, Curtis S. and Ritter, Jeffrey M.},
  title = {Tau-b or Not Tau-b: Measuring the Similarity of Foreign Policy Positions},
  journal = {International Studies Quarterly}, volume = {43}, number = {1}, pages = {115--144}, year = {1999}}"""),
    "circular_bootstrap": Method("circular block bootstrap: every interval (resample.py, used by relations, network "
                                 "and claims)", """@incollection{politis1992,
  author = {Politis, Dimitris N. and Romano, Joseph P.},
  title = {A Circular Block-Resampling Procedure for Stationary Data},
  booktitle = {Exploring the Limits of Bootstrap}, editor = {LePage, Raoul and Billard, Lynne},
  publisher = {Wiley}, address = {New York}, pages = {263--270}, year = {1992}}"""),
    "bootstrap": Method("block bootstrap for dependent data, the moving-block scheme the circular one wraps "
                        "around the series (resample.py)", """@article{kunsch1989,
  author = {K{\\"u}nsch, Hans R.},
  title = {The Jackknife and the Bootstrap for General Stationary Observations},
  journal = {The Annals of Statistics}, volume = {17}, number = {3}, pages = {1217--1241}, year = {1989}}"""),
    "hac": Method("Newey-West HAC errors (claims/stats.py)", """@article{newey1987,
  author = {Newey, Whitney K. and West, Kenneth D.},
  title = {A Simple, Positive Semi-definite, Heteroskedasticity and Autocorrelation Consistent Covariance Matrix},
  journal = {Econometrica}, volume = {55}, number = {3}, pages = {703--708}, year = {1987}}"""),
    "frustration": Method("structural balance, exact frustration index (balance.py)", """@article{aref2020,
  author = {Aref, Samin and Mason, Andrew J. and Wilson, Mark C.},
  title = {A Modeling and Computational Study of the Frustration Index in Signed Networks},
  journal = {Networks}, volume = {75}, number = {1}, pages = {95--110}, year = {2020}}"""),
    "balance": Method("signed-network balance (network.py, balance.py)", """@article{cartwright1956,
  author = {Cartwright, Dorwin and Harary, Frank},
  title = {Structural Balance: A Generalization of {Heider}'s Theory},
  journal = {Psychological Review}, volume = {63}, number = {5}, pages = {277--293}, year = {1956}}"""),
    "pelt": Method("structural breaks (anomalies.py, numerics.pelt_l2)", """@article{killick2012,
  author = {Killick, Rebecca and Fearnhead, Paul and Eckley, Idris A.},
  title = {Optimal Detection of Changepoints With a Linear Computational Cost},
  journal = {Journal of the American Statistical Association}, volume = {107}, number = {500},
  pages = {1590--1598}, year = {2012}}"""),
}


def software_bibtex() -> str:
    """A BibTeX entry for detente itself (the same facts as CITATION.cff).

    Returns
    -------
    str
        One ``@software`` entry with the installed version.

    Examples
    --------
    >>> print(software_bibtex().splitlines()[0])
    @software{detente,
    >>> import detente
    >>> "version = {" + detente.__version__ + "}" in software_bibtex()
    True
    """
    from detente import __version__

    return ("@software{detente,\n  author = {{detente contributors}},\n"
            "  title = {detente: testing arguments about regional international relations against event data},\n"
            f"  version = {{{__version__}}}, year = {{2026}}, license = {{MIT}}}}")


def datasets_bibtex(store: Any, names: list[str] | None = None) -> str:
    """BibTeX of the store's datasets, all or ``names``.

    Parameters
    ----------
    store
        An open store.
    names
        Dataset names (as in ``detente sources``); None or empty for every dataset in the store.

    Returns
    -------
    str
        The entries in dataset-name order, separated by blank lines.

    Raises
    ------
    UserError
        A name that is not in the store (the message lists those that are).

    Examples
    --------
    >>> import detente
    >>> store = detente.open(read_only=True)
    >>> print(datasets_bibtex(store, ["icews"]).splitlines()[0])
    @data{boschee2015icews,
    >>> datasets_bibtex(store, ["nope"])
    Traceback (most recent call last):
    ...
    detente.errors.UserError: no dataset nope in the store; it holds atop, cow_alliance, ...
    >>> store.close()
    """
    rows = store.con.execute("SELECT name, citation FROM datasets ORDER BY name").fetchall()
    have = {n: c for n, c in rows}
    if names:
        unknown = [n for n in names if n not in have]
        if unknown:
            raise UserError(f"no dataset {', '.join(unknown)} in the store; it holds {', '.join(have) or 'none'}"
                            " (see `detente sources`)")
        have = {n: have[n] for n in names}
    return "\n\n".join(c.strip() for c in have.values() if c)


def bibtex(store: Any, names: list[str] | None = None, methods: bool = True) -> str:
    """detente, then the methods, then the datasets (all, or only ``names``), as one BibTeX text.

    Parameters
    ----------
    store
        An open store.
    names
        Dataset names to cite; None for all of them.
    methods
        Include the method entries of :data:`METHODS` (Goldstein, CAMEO, block bootstrap, ...).

    Returns
    -------
    str
        The BibTeX entries, separated by blank lines.

    Examples
    --------
    >>> import detente
    >>> store = detente.open(read_only=True)
    >>> text = bibtex(store, ["icews"])
    >>> [line for line in text.splitlines() if line.startswith("@")][:3]
    ['@software{detente,', '@article{goldstein1992,', '@techreport{schrodt2012cameo,']
    >>> [line for line in bibtex(store, ["icews"], methods=False).splitlines() if line.startswith("@")]
    ['@software{detente,', '@data{boschee2015icews,']
    >>> store.close()
    """
    parts = [software_bibtex()]
    if methods:
        parts += [m.bibtex for m in METHODS.values()]
    parts.append(datasets_bibtex(store, names))
    return "\n\n".join(p for p in parts if p)
