"""What travels through a queue: a stage job names a session, a stage and the acting user, plus
the pipeline options. Ids and option names only: never audio, transcript or note words."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from clearnote.errors import BadInputError

StageName = Literal["transcribe", "draft", "screen", "assess"]
QueueName = Literal["asr", "text"]
JobState = Literal["queued", "running", "done", "failed", "unknown"]

STAGES: tuple[StageName, ...] = ("transcribe", "draft", "screen", "assess")
QUEUES: tuple[QueueName, ...] = ("asr", "text")
# ASR wants a GPU host; the text stages run anywhere: each queue scales on its own workers
QUEUE_OF: dict[StageName, QueueName] = {
    "transcribe": "asr",
    "draft": "text",
    "screen": "text",
    "assess": "text",
}
NEXT_STAGE: dict[StageName, StageName | None] = {
    "transcribe": "draft",
    "draft": "screen",
    "screen": "assess",
    "assess": None,
}
# the artefact kind whose existence means the stage is done
KIND_OF: dict[StageName, str] = {
    "transcribe": "transcript",
    "draft": "draft",
    "screen": "screening",
    "assess": "assessment",
}


class PipelineOptions(BaseModel):
    model_config = ConfigDict(frozen=True)

    fmt: Literal["soap", "dap", "birp", "girp", "pirp"] = "soap"
    framework: Literal["cbt", "family-systems", "narrative"] = "cbt"
    speakers: int | None = Field(default=None, ge=1, le=10)

    def encode(self) -> str:
        """The form kept beside the session's stages (shown by ``session show``)."""
        return (
            f"format {self.fmt}, framework {self.framework}, "
            f"speakers {self.speakers if self.speakers is not None else 'auto'}"
        )

    @classmethod
    def decode(cls, text: str) -> PipelineOptions:
        m = re.fullmatch(r"format (\S+), framework (\S+), speakers (\S+)", text.strip())
        if m is None:
            return cls()
        speakers = None if m[3] == "auto" else int(m[3])
        return cls.model_validate({"fmt": m[1], "framework": m[2], "speakers": speakers})


class StageJob(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    session_id: str = Field(min_length=1, max_length=64)
    stage: StageName
    actor_id: str = Field(min_length=1, max_length=64)
    options: PipelineOptions = PipelineOptions()

    @property
    def queue(self) -> QueueName:
        return QUEUE_OF[self.stage]

    def next(self) -> StageJob | None:
        following = NEXT_STAGE[self.stage]
        return None if following is None else self.model_copy(update={"stage": following})


def parse_queues(text: str) -> tuple[QueueName, ...]:
    """``asr,text`` -> ("asr", "text"); an unknown name is bad input."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    out: list[QueueName] = []
    for name in names:
        q = next((q for q in QUEUES if q == name), None)
        if q is None:
            raise BadInputError(f"--queues: unknown queue {name!r}; expected asr, text")
        out.append(q)
    if not out:
        raise BadInputError("--queues: name at least one queue (asr, text)")
    return tuple(out)
