"""Encrypted backup and restore of a practice (database dump + sealed blobs)."""

from clearnote.backup.service import BackupSummary, make_backup, restore_backup

__all__ = ["BackupSummary", "make_backup", "restore_backup"]
