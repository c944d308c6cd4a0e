"""The accounting of disclosures (45 CFR 164.528): a mandated report appears in it, a disclosure
for treatment does not, nor one older than six years; recipient, description and purpose are
sealed at rest and kept out of the audit; bad input is refused with nothing stored; the CLI
records one and the client report lists it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from clearnote.cli import main
from clearnote.errors import BadInputError
from clearnote.records import disclosures, sessions
from clearnote.records.audit_log import list_entries
from clearnote.records.report import client_report
from clearnote.store.models import DisclosureRow
from tests.records.conftest import World, consented_client

RECIPIENT = "Zephyrine County Child Protective Services"
WHAT = "Disclosure of suspected physical abuse of the client's son, with dates"


def test_a_mandated_report_is_accounted_for_and_a_treatment_disclosure_is_not(
    world: World,
) -> None:
    w = world
    cid = consented_client(w, "record")
    sid = sessions.create_session(cid, w.owner, ctx=w.ctx)
    today = w.ctx.now().date()
    reported = disclosures.record_disclosure(
        w.ctx,
        w.owner,
        cid,
        basis="required_by_law",
        recipient=RECIPIENT,
        description=WHAT,
        purpose="Mandated child-abuse report",
        session_id=sid,
    )
    disclosures.record_disclosure(
        w.ctx,
        w.owner,
        cid,
        basis="treatment",
        recipient="Dr Quillon, psychiatrist",
        description="Medication history",
        purpose="Referral for a medication review",
    )
    disclosures.record_disclosure(
        w.ctx,
        w.owner,
        cid,
        basis="court_order",
        recipient="Superior Court",
        description="Attendance dates",
        purpose="Subpoena",
        disclosed_on=today - timedelta(days=7 * 366),  # older than six years
    )
    listed = client_report(w.ctx, w.owner, cid)["disclosures"]
    assert [(d["id"], d["basis"], d["session_id"]) for d in listed] == [
        (reported, "required_by_law", sid)
    ]
    assert listed[0]["recipient"] == RECIPIENT and listed[0]["date"] == today.isoformat()
    assert disclosures.client_accounting(w.ctx, w.owner, cid) == listed

    with w.ctx.tx() as db:
        row = db.scalars(select(DisclosureRow).where(DisclosureRow.id == reported)).one()
        assert RECIPIENT.encode() not in row.recipient_ct  # sealed with the client's key
        entries = list_entries(db, action_prefix="disclosure.record")
    assert [e.meta for e in entries] == [
        {"basis": "required_by_law", "accounted": True},
        {"basis": "treatment", "accounted": False},
        {"basis": "court_order", "accounted": True},
    ]


def test_bad_disclosures_are_refused_and_nothing_is_stored(world: World) -> None:
    w = world
    cid = consented_client(w, "record")
    other = consented_client(w, "record", name="Another Client Entirely")
    other_session = sessions.create_session(other, w.owner, ctx=w.ctx)
    good = {
        "basis": "duty_to_warn",
        "recipient": "Named person",
        "description": "Threat",
        "purpose": "Warning",
    }
    bad: list[dict[str, object]] = [
        {"basis": "because"},
        {"recipient": "   "},
        {"description": "x" * 501},
        {"disclosed_on": w.ctx.now().date() + timedelta(days=1)},
        {"session_id": other_session},
    ]
    for change in bad:
        with pytest.raises(BadInputError):
            disclosures.record_disclosure(w.ctx, w.owner, cid, **{**good, **change})  # type: ignore[arg-type]
    with w.ctx.tx() as db:
        assert db.scalars(select(DisclosureRow)).all() == []


def test_cli_records_a_disclosure_and_the_report_shows_it(
    cli_client: str, capsys: pytest.CaptureFixture[str]
) -> None:
    cid = cli_client
    args = ["client", "disclosure", cid, "--recipient", RECIPIENT, "--description", WHAT]
    assert main([*args, "--basis", "required_by_law", "--purpose", "Report", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["accounted"] is True
    assert main([*args, "--basis", "gossip", "--purpose", "Report"]) == 2
    err = capsys.readouterr().err
    assert "--basis" in err and RECIPIENT not in err and "Traceback" not in err
    assert main(["client", "report", cid, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [d["id"] for d in report["disclosures"]] == [doc["id"]]
