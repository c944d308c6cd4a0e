"""Client records: what a clinician may type is checked before anything is stored."""

from __future__ import annotations

import pytest

from clearnote.errors import BadInputError
from clearnote.records import clients
from tests.records.conftest import World

STATES = ["AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN"]
STATES += ["IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV"]
STATES += ["NH", "NJ", "NM", "NY", "NC", "ND"]


def _count(w: World) -> int:
    return len(clients.list_clients(w.ctx, w.owner))


def test_jurisdictions_are_normalised_and_deduplicated(world: World) -> None:
    cid = clients.add_client(world.ctx, world.owner, name="A", jurisdictions=["us-il", "US-IL"])
    assert clients.show_client(world.ctx, world.owner, cid).jurisdictions == ("US-IL",)


def test_more_jurisdictions_than_the_record_holds_is_bad_input_on_every_backend(
    world: World,
) -> None:
    before = _count(world)
    codes = [f"US-{s}" for s in STATES[:33]]
    clients.add_client(world.ctx, world.owner, name="Many", jurisdictions=codes)
    with pytest.raises(BadInputError, match="too many jurisdictions"):
        clients.add_client(
            world.ctx, world.owner, name="Too many", jurisdictions=[f"US-{s}" for s in STATES]
        )
    assert _count(world) == before + 1
