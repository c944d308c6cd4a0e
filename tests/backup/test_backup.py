"""Encrypted backup and restore: a signed note reads back from a fresh home (key-file and
passphrase modes, SQLite to PostgreSQL too), the audit chain verifies, the archive holds no
plaintext, and a wrong key, a changed byte or a truncated file restores nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from clearnote.backup import make_backup, restore_backup
from clearnote.cli import main
from clearnote.config import Settings
from clearnote.errors import BadInputError, IntegrityError
from clearnote.records import audit_log, clients, consent, sessions
from clearnote.records.practice import cli_actor, init_practice, open_practice
from tests.store.backends import pg_schema_url

NAME = "Cordelia Vantongeren-Ashby"
NOTE = b"Signed note: client described the allotment flood and the plan for Thursday."
PASSPHRASE = "correct horse battery staple"


@dataclass
class Source:
    settings: Settings
    session_id: str
    note_id: str


def _settings(root: Path, url: str | None = None, key: Path | None = None) -> Settings:
    """A home under ``root``; no ``url``: CLEARNOTE_DATABASE_URL (a PostgreSQL suite run's schema
    for this test) or SQLite in the home."""
    more = {} if url is None else {"database_url": url}
    return Settings(home=root / "home", key_file=key or root / "keys" / "kek", **more)


def sqlite_only(settings: Settings) -> Settings:
    return settings.model_copy(update={"database_url": None})


BIG = bytes(range(256)) * 6144  # 1.5 MiB: an archive of several 1 MiB chunks


def build_source(settings: Settings, *, big: bool = False) -> Source:
    """A practice with one client, a session with audio and a signed note; ``big``: 1.5 MiB of
    audio and a 1.5 MiB transcript besides, so a cut at the archive's end fails a restore after
    the database and at least one blob came through (each 1 MiB chunk is checked on its own)."""
    init_practice(settings, owner_email="owner@example.org", password="a long passphrase nobody")
    ctx = open_practice(settings)
    try:
        owner = cli_actor(ctx)
        cid = clients.add_client(ctx, owner, name=NAME, jurisdictions=["US-CA"])
        consent.grant(ctx, owner, cid, ["record", "transcribe"], signed_by=NAME)
        sid = sessions.create_session(cid, owner, ctx=ctx)
        sessions.store_artefact(sid, "audio", BIG if big else b"RIFF", actor=owner, ctx=ctx)
        if big:
            sessions.store_artefact(sid, "transcript", BIG, actor=owner, ctx=ctx)
        note_id = sessions.store_artefact(sid, "signed_note", NOTE, actor=owner, ctx=ctx)
        sessions.sign_session(sid, actor=owner, ctx=ctx)
    finally:
        ctx.close()
    return Source(settings, sid, note_id)


@pytest.fixture
def source(tmp_path: Path) -> Source:
    return build_source(_settings(tmp_path / "src"))


def read_note(settings: Settings, src: Source) -> bytes:
    ctx = open_practice(settings)
    try:
        owner = cli_actor(ctx)
        assert sessions.show_session(ctx, owner, src.session_id).signed_at is not None
        data = sessions.load_artefact(src.note_id, actor=owner, ctx=ctx)
        assert audit_log.verify(ctx).ok
        return data
    finally:
        ctx.close()


def test_key_file_backup_restores_a_signed_note_into_a_fresh_home(
    source: Source, tmp_path: Path, fresh_db: Callable[[], str | None]
) -> None:
    out = tmp_path / "practice.cnbak"
    summary = make_backup(source.settings, out, passphrase=None)
    assert summary.mode == "keyfile" and summary.blobs == 2 and summary.tables["artefacts"] == 2
    target = _settings(tmp_path / "dst", url=fresh_db(), key=source.settings.key_file)
    restored = restore_backup(target, out, passphrase=None)
    assert restored.audit_ok and restored.blobs == 2
    assert read_note(target, source) == NOTE
    # restoring needs the practice's key file: another one cannot open the archive
    other = _settings(tmp_path / "other")
    init_practice(
        _settings(tmp_path / "x", url=fresh_db(), key=other.key_file),
        owner_email="o@example.org",
        password="a long passphrase nobody",
    )
    with pytest.raises(IntegrityError):
        restore_backup(other, out, passphrase=None)
    assert not other.home.exists()  # nothing half-restored


def test_passphrase_backup_carries_the_key_file(
    source: Source, tmp_path: Path, fresh_db: Callable[[], str | None]
) -> None:
    out = tmp_path / "practice.cnbak"
    assert make_backup(source.settings, out, passphrase=PASSPHRASE).mode == "passphrase"
    target = _settings(tmp_path / "dst", url=fresh_db())  # no key file there yet
    with pytest.raises(IntegrityError):
        restore_backup(target, out, passphrase="not the right passphrase")
    assert not target.home.exists() and not target.key_file.exists()
    assert restore_backup(target, out, passphrase=PASSPHRASE).audit_ok
    assert target.key_file.stat().st_mode & 0o077 == 0
    assert read_note(target, source) == NOTE


def test_the_archive_holds_no_plaintext(source: Source, tmp_path: Path) -> None:
    out = tmp_path / "practice.cnbak"
    make_backup(source.settings, out, passphrase=None)
    data = out.read_bytes()
    for secret in (NAME.encode(), b"allotment", b"artefacts", b"signed_note", b"audit_key"):
        assert secret not in data
    assert out.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("damage", ["flip", "truncate", "header"])
def test_a_changed_or_truncated_archive_restores_nothing(
    source: Source, tmp_path: Path, damage: str, fresh_db: Callable[[], str | None]
) -> None:
    out = tmp_path / "practice.cnbak"
    make_backup(source.settings, out, passphrase=None)
    data = bytearray(out.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0x01
    elif damage == "truncate":
        data = data[: len(data) - 40]
    else:
        i = data.index(b'"cipher"')
        data[i + 1] = ord("C")
    out.write_bytes(bytes(data))
    target = _settings(tmp_path / "dst", url=fresh_db(), key=source.settings.key_file)
    with pytest.raises((IntegrityError, BadInputError)):
        restore_backup(target, out, passphrase=None)
    assert not target.home.exists()


def test_a_restore_cut_short_takes_back_the_tables_it_loaded(
    tmp_path: Path, fresh_db: Callable[[], str | None]
) -> None:
    """The database and a blob come through, then the archive ends early: the home is removed
    and the database (outside the home on PostgreSQL) is left empty, so the intact archive then
    restores into it."""
    source = build_source(_settings(tmp_path / "src"), big=True)
    out = tmp_path / "practice.cnbak"
    make_backup(source.settings, out, passphrase=None)
    cut = tmp_path / "cut.cnbak"
    cut.write_bytes(out.read_bytes()[:-40])
    target = _settings(tmp_path / "dst", url=fresh_db(), key=source.settings.key_file)
    with pytest.raises(IntegrityError):
        restore_backup(target, cut, passphrase=None)
    assert not target.home.exists()
    assert restore_backup(target, out, passphrase=None).audit_ok
    assert read_note(target, source) == NOTE


def test_restore_refuses_a_home_that_holds_a_practice(source: Source, tmp_path: Path) -> None:
    out = tmp_path / "practice.cnbak"
    make_backup(source.settings, out, passphrase=None)
    with pytest.raises(BadInputError):
        restore_backup(source.settings, out, passphrase=None)
    with pytest.raises(BadInputError):
        make_backup(source.settings, out, passphrase=None)  # never overwrites
    with pytest.raises(BadInputError):
        make_backup(source.settings, tmp_path / "b2", passphrase="short")


def test_sqlite_practice_restores_into_postgresql(tmp_path: Path) -> None:
    source = build_source(sqlite_only(_settings(tmp_path / "src")))
    out = tmp_path / "practice.cnbak"
    make_backup(source.settings, out, passphrase=PASSPHRASE)
    with pg_schema_url() as url:
        target = _settings(tmp_path / "pg", url=url)
        assert restore_backup(target, out, passphrase=PASSPHRASE).audit_ok
        assert read_note(target, source) == NOTE


def test_postgresql_practice_restores_into_sqlite(tmp_path: Path) -> None:
    with pg_schema_url() as url:
        source = build_source(_settings(tmp_path / "src", url=url))
        out = tmp_path / "practice.cnbak"
        make_backup(source.settings, out, passphrase=PASSPHRASE)
    target = sqlite_only(_settings(tmp_path / "dst"))
    assert restore_backup(target, out, passphrase=PASSPHRASE).audit_ok
    assert (target.home / "clearnote.db").is_file()
    assert read_note(target, source) == NOTE


def test_cli_backup_and_restore(
    source: Source,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fresh_db: Callable[[], str | None],
) -> None:
    monkeypatch.setenv("CLEARNOTE_HOME", str(source.settings.home))
    monkeypatch.setenv("CLEARNOTE_KEY_FILE", str(source.settings.key_file))
    monkeypatch.setenv("CLEARNOTE_BACKUP_PASSPHRASE", PASSPHRASE)
    out = tmp_path / "cli.cnbak"
    capsys.readouterr()
    assert main(["backup", "-o", str(out), "--passphrase", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["mode"] == "passphrase"
    assert main(["backup", "-o", str(out)]) == 2  # exists: bad input, no traceback
    assert "already exists" in capsys.readouterr().err
    monkeypatch.setenv("CLEARNOTE_HOME", str(tmp_path / "new" / "home"))
    monkeypatch.setenv("CLEARNOTE_KEY_FILE", str(tmp_path / "new" / "keys" / "kek"))
    if (url := fresh_db()) is not None:
        monkeypatch.setenv("CLEARNOTE_DATABASE_URL", url)
    assert main(["restore", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["audit_ok"] is True
    assert main(["audit", "verify"]) == 0
    monkeypatch.setenv("CLEARNOTE_BACKUP_PASSPHRASE", "a wrong passphrase here")
    monkeypatch.setenv("CLEARNOTE_HOME", str(tmp_path / "new2" / "home"))
    assert main(["restore", str(out)]) == 1  # integrity error
    err = capsys.readouterr().err
    assert "cannot decrypt" in err and NAME not in err
