"""Reading and writing transcript documents and typed transcripts."""
