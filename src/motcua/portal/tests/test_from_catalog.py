"""From a procedure page of the public catalogue to filing it online: the
link lists only the units that offer that procedure."""

import pytest

from motcua.dossiers.tests.factories import make_procedure

pytestmark = pytest.mark.django_db


def test_pick_lists_only_units_offering_the_procedure(client, personas, portal_procedure):
    other = make_procedure(personas.place.agency_b)
    code = portal_procedure.procedure.code
    page = client.get(f"/nop-ho-so/?thu-tuc={code}").content.decode()
    assert personas.place.agency_a.name in page
    assert personas.place.agency_b.name not in page
    page_b = client.get(f"/nop-ho-so/?thu-tuc={other.procedure.code}").content.decode()
    assert personas.place.agency_b.name in page_b
    assert personas.place.agency_a.name not in page_b
    # Without a procedure every unit that offers something is listed.
    everything = client.get("/nop-ho-so/").content.decode()
    assert personas.place.agency_a.name in everything and personas.place.agency_b.name in everything
