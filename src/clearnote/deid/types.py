"""Entity types of the de-identified export and the HIPAA Safe Harbor identifier each covers.

Safe Harbor (45 CFR 164.514(b)(2)) lists 18 identifiers, (A) to (R). Each placeholder type below
names the one it covers; ``ORGANIZATION`` goes beyond Safe Harbor (employers, schools and clinics
are quasi-identifiers in a small community) and is redacted too. Full-face photographs (Q) cannot
appear in a transcript or a note.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

EntityType = Literal[
    "NAME",
    "LOCATION",
    "DATE",
    "AGE",
    "PHONE",
    "FAX",
    "EMAIL",
    "SSN",
    "MRN",
    "HEALTH_PLAN",
    "ACCOUNT",
    "LICENSE",
    "VEHICLE",
    "DEVICE",
    "URL",
    "IP",
    "BIOMETRIC",
    "ID",
    "ORGANIZATION",
]

ENTITY_TYPES: Final[tuple[EntityType, ...]] = get_args(EntityType)

SAFE_HARBOR: Final[dict[EntityType, str]] = {
    "NAME": "A names",
    "LOCATION": "B geographic subdivisions smaller than a state",
    "DATE": "C dates (except year) related to the individual",
    "AGE": "C ages over 89",
    "PHONE": "D telephone numbers",
    "FAX": "E fax numbers",
    "EMAIL": "F email addresses",
    "SSN": "G social security numbers",
    "MRN": "H medical record numbers",
    "HEALTH_PLAN": "I health plan beneficiary numbers",
    "ACCOUNT": "J account numbers",
    "LICENSE": "K certificate/licence numbers",
    "VEHICLE": "L vehicle identifiers and licence plates",
    "DEVICE": "M device identifiers and serial numbers",
    "URL": "N web URLs",
    "IP": "O IP addresses",
    "BIOMETRIC": "P biometric identifiers",
    "ID": "R any other unique identifying number or code",
    "ORGANIZATION": "beyond Safe Harbor: organisation names (quasi-identifier)",
}

# Which type wins when detections of different types overlap (lower index wins); scores break ties
# only within one rank. Specific identifiers beat the model's broad guesses.
PRIORITY: Final[dict[EntityType, int]] = {
    "SSN": 0,
    "MRN": 0,
    "HEALTH_PLAN": 0,
    "ACCOUNT": 0,
    "LICENSE": 0,
    "VEHICLE": 0,
    "DEVICE": 0,
    "BIOMETRIC": 0,
    "FAX": 0,
    "EMAIL": 1,
    "URL": 1,
    "IP": 1,
    "PHONE": 1,
    "AGE": 2,
    "DATE": 3,
    "ID": 4,
    "NAME": 5,
    "LOCATION": 6,
    "ORGANIZATION": 7,
}


def placeholder(entity: EntityType, number: int) -> str:
    """The typed placeholder written in place of an identifier: ``[NAME 1]``, ``[DATE 2]``."""
    return f"[{entity} {number}]"
