"""The Presidio adapter: the spaCy model's names, places, organisations and dates, and
Presidio's pattern recognisers, mapped to our entity types.

Built once (model load ~1-2 s) and reused for every text. Nothing here touches the network: the
model is loaded by path after its checksum is verified, and the email recogniser uses the offline
public-suffix snapshot (see ``offline.py``). Presidio's own logger is held at WARNING: at DEBUG
it prints the words around each hit.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from importlib.metadata import version
from typing import Any, Final

from clearnote.deid.model_files import MODEL_PACKAGE, MODEL_VERSION, model_path, verify_model
from clearnote.deid.spans import Span
from clearnote.deid.types import EntityType
from clearnote.errors import ModelError

PRESIDIO_TO_ENTITY: Final[dict[str, EntityType]] = {
    "PERSON": "NAME",
    "LOCATION": "LOCATION",
    "ORGANIZATION": "ORGANIZATION",
    "DATE_TIME": "DATE",
    "PHONE_NUMBER": "PHONE",
    "EMAIL_ADDRESS": "EMAIL",
    "URL": "URL",
    "IP_ADDRESS": "IP",
    "US_SSN": "SSN",
    "US_ITIN": "ID",
    "CREDIT_CARD": "ACCOUNT",
    "US_BANK_NUMBER": "ACCOUNT",
    "IBAN_CODE": "ACCOUNT",
    "US_DRIVER_LICENSE": "LICENSE",
    "MEDICAL_LICENSE": "LICENSE",
    "US_PASSPORT": "LICENSE",
    "US_NPI": "LICENSE",
    "US_MBI": "HEALTH_PLAN",
    "US_HEALTH_INSURANCE_MEMBER_ID": "HEALTH_PLAN",
    "MAC_ADDRESS": "DEVICE",
}
SCORE_THRESHOLD: Final = 0.5
# the dependency parser is not used by any recogniser; leaving it out saves a third of the time
EXCLUDED_PIPES: Final = ("parser", "senter")


def _installed(name: str) -> str:
    try:
        return version(name)
    except Exception:  # pragma: no cover - metadata missing means a broken install
        return "unknown"


class PresidioDetector:
    """``detect(texts)`` → candidate spans per text, typed with our entity types."""

    def __init__(self, analyzer: Any, nlp_engine: Any) -> None:
        self._analyzer = analyzer
        self._nlp = nlp_engine

    @property
    def description(self) -> dict[str, str]:
        return {
            "engine": f"presidio-analyzer {_installed('presidio-analyzer')}",
            "model": f"{MODEL_PACKAGE} {MODEL_VERSION} (spaCy {_installed('spacy')})",
        }

    def detect(self, texts: Sequence[str]) -> list[list[Span]]:
        out: list[list[Span]] = [[] for _ in texts]
        todo = [(i, t) for i, t in enumerate(texts) if t.strip()]
        if not todo:
            return out
        artifacts = self._nlp.process_batch(
            [t for _, t in todo], language="en", batch_size=64, as_tuples=False
        )
        for (i, text), (_, art) in zip(todo, artifacts, strict=True):
            results = self._analyzer.analyze(
                text=text, language="en", nlp_artifacts=art, score_threshold=SCORE_THRESHOLD
            )
            for r in results:
                entity = PRESIDIO_TO_ENTITY.get(r.entity_type)
                if entity is None or r.end <= r.start:
                    continue
                name = (r.recognition_metadata or {}).get("recognizer_name", "presidio")
                out[i].append(Span(r.start, r.end, entity, float(r.score), f"presidio:{name}"))
        return out


def load_presidio_detector() -> PresidioDetector:
    """Verify the model files, load spaCy from the package folder, build the analyzer."""
    folder = verify_model(model_path())
    logging.getLogger("presidio-analyzer").setLevel(logging.WARNING)
    try:
        import spacy
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
        from presidio_analyzer.predefined_recognizers import (
            CreditCardRecognizer,
            DateRecognizer,
            IbanRecognizer,
            IpRecognizer,
            MacAddressRecognizer,
            MedicalLicenseRecognizer,
            PhoneRecognizer,
            SpacyRecognizer,
            UrlRecognizer,
            UsBankRecognizer,
            UsHealthInsuranceMemberIdRecognizer,
            UsItinRecognizer,
            UsLicenseRecognizer,
            UsMbiRecognizer,
            UsNpiRecognizer,
            UsPassportRecognizer,
            UsSsnRecognizer,
        )

        from clearnote.deid.offline import OfflineEmailRecognizer
    except ImportError as exc:
        raise ModelError(
            f"de-identification needs presidio-analyzer and spaCy ({exc.name} is missing); "
            "install the [deid] extra"
        ) from exc

    class _PathSpacyEngine(SpacyNlpEngine):
        """Loads the verified folder by path; never downloads."""

        def load(self) -> None:
            self.nlp = {"en": spacy.load(folder, exclude=list(EXCLUDED_PIPES))}  # type: ignore[assignment]

    ner_config = NerModelConfiguration(labels_to_ignore=["NORP", "CARDINAL", "ORDINAL"])
    engine = _PathSpacyEngine(
        models=[{"lang_code": "en", "model_name": str(folder)}],
        ner_model_configuration=ner_config,
    )
    try:
        engine.load()
    except (OSError, ValueError) as exc:
        raise ModelError(
            f"{folder}: spaCy could not load the model ({type(exc).__name__})"
        ) from exc
    registry = RecognizerRegistry(supported_languages=["en"])
    for recognizer in (
        SpacyRecognizer(supported_entities=["PERSON", "LOCATION", "ORGANIZATION", "DATE_TIME"]),
        OfflineEmailRecognizer(),
        PhoneRecognizer(supported_regions=("US",)),
        UrlRecognizer(),
        IpRecognizer(),
        UsSsnRecognizer(),
        UsItinRecognizer(),
        CreditCardRecognizer(),
        UsBankRecognizer(),
        IbanRecognizer(),
        UsLicenseRecognizer(),
        MedicalLicenseRecognizer(),
        UsPassportRecognizer(),
        UsNpiRecognizer(),
        UsMbiRecognizer(),
        UsHealthInsuranceMemberIdRecognizer(),
        MacAddressRecognizer(),
        DateRecognizer(),
    ):
        registry.add_recognizer(recognizer)
    analyzer = AnalyzerEngine(
        nlp_engine=engine, registry=registry, supported_languages=["en"], log_decision_process=False
    )
    return PresidioDetector(analyzer, engine)
