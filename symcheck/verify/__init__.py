"""Check derivations step by step and run their numeric checks, producing plain-data reports.

Each step is checked against what it claims to follow from (the previous step's value, or the step
named by ``against``), after the derivation's definitions are substituted. The first failing step
is reported with both sides and a counterexample. The declared result is checked on its own too,
so a chain of true steps that ends somewhere else than announced still fails. Every check (a step,
a finite-difference, reference or instances check) runs under its own time budget.

The work is split by job: :mod:`._statements` checks one statement, :mod:`._steps` one derivation,
:mod:`._numeric` the numeric checks, :mod:`._pool` many derivations over worker processes.
"""

from __future__ import annotations

from symcheck.equivalence import DEFAULT_TIMEOUT
from symcheck.verify._pool import verify_all, verify_entries
from symcheck.verify._statements import check_statement
from symcheck.verify._steps import verify

__all__ = ["DEFAULT_TIMEOUT", "check_statement", "verify", "verify_all", "verify_entries"]
