"""From a recording to a diarized, confidence-marked transcript."""
