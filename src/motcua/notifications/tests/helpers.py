from __future__ import annotations

from dataclasses import dataclass

from motcua.accounts.models import Applicant
from motcua.catalog.models import ConfiguredProcedure
from motcua.dossiers import services as dossiers
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import local
from motcua.testing import Personas

#: Monday 2 March 2026, 08:00 local: an ordinary working week.
NOW = local(2026, 3, 2, 8)


def submit(p: Personas, procedure: ConfiguredProcedure, applicant: Applicant) -> Dossier:
    """The citizen files a dossier online at :data:`NOW`."""
    return dossiers.dossier_submit(
        actor=p.citizen, procedure=procedure, applicant=applicant, now=NOW
    )


@dataclass(frozen=True)
class Case:
    """The personas, the three-step procedure of commune A and the citizen
    (with an e-mail and a phone on file)."""

    p: Personas
    procedure: ConfiguredProcedure
    applicant: Applicant

    def submit(self) -> Dossier:
        return submit(self.p, self.procedure, self.applicant)
