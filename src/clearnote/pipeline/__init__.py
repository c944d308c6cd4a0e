"""The session pipeline: the analysis stages over a transcript, and the record-bound process."""
