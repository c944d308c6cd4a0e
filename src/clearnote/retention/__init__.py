"""Retention: when each artefact is erased (pure schedule in :mod:`clearnote.retention.policy`),
the state record-retention table (``data/record_retention.yaml``) and its loader."""
