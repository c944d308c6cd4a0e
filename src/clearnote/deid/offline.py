"""Keep Presidio's helpers off the network.

Presidio's email recogniser validates domains with ``tldextract``, whose default extractor tries
to download the public-suffix list at first use (and logs and falls back to its bundled snapshot
when that fails). Here the recogniser gets its own extractor that has no URLs to fetch and no
disk cache: it reads the snapshot shipped in the tldextract wheel, so it never opens a socket.
"""

from __future__ import annotations

import tldextract
from presidio_analyzer.predefined_recognizers import EmailRecognizer

OFFLINE_EXTRACTOR = tldextract.TLDExtract(
    cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True
)


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's email recogniser with the offline public-suffix snapshot."""

    def validate_result(self, pattern_text: str) -> bool:
        return bool(OFFLINE_EXTRACTOR(pattern_text).fqdn != "")
