"""The one place settings are read: environment variables with the ``CLEARNOTE_`` prefix (and a
``.env`` file in the working directory). Nothing else in the package reads ``os.environ``."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

ModelName = Literal["tiny.en", "base"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CLEARNOTE_", env_file=".env", extra="ignore")

    # --- ASR ---
    asr_model: str = Field(
        default="base",
        description="a bundled model name (tiny.en, base) or a path to any CTranslate2 Whisper "
        "model folder (large-v3, distil-large-v3, ...)",
    )
    asr_device: Literal["cpu", "cuda", "auto"] = "cpu"
    asr_compute_type: str = Field(default="int8", description="CTranslate2 compute type")
    asr_cpu_threads: int = Field(default=0, ge=0, description="0: let CTranslate2 choose")
    asr_batch_size: int = Field(default=8, ge=1, description="BatchedInferencePipeline batch")
    asr_beam_size: int = Field(default=5, ge=1)
    asr_mode: Literal["windowed", "batched"] = Field(
        default="windowed",
        description="windowed: sequential decoding in windows of at most asr_window_seconds "
        "(bounded memory, best accuracy on CPU); batched: BatchedInferencePipeline (GPU hosts)",
    )
    asr_window_seconds: float = Field(
        default=300.0,
        ge=30.0,
        description="window length for windowed decoding: on a 12-minute file, 300 s peaked at "
        "752 MB RSS against 966 MB for 600 s, for 8 % more time",
    )
    language: str = Field(default="en", description="spoken language (ISO 639-1)")
    low_confidence_threshold: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="words under this probability are marked low-confidence; on our test audio "
        "words under p=0.5 were wrong ~35 % of the time against ~5 % above it",
    )
    max_audio_seconds: float = Field(
        default=4 * 3600, gt=0, description="longer recordings are refused as bad input"
    )
    model_cache: Path = Field(
        default=Path.home() / ".cache" / "clearnote" / "models",
        description="where split model packages are joined (model weights only, never PHI)",
    )

    live_transcribe: bool = Field(
        default=True,
        description="transcribe browser recordings while they are made (the draft is then ready "
        "soon after the stop); off: everything is transcribed after the stop",
    )
    live_transcribe_workers: int = Field(
        default=1, ge=1, le=8, description="threads transcribing recordings in progress (all)"
    )

    # --- diarization ---
    diarize: bool = True
    max_speakers: int = Field(default=5, ge=1, le=10)

    # --- drafting / LLM backends ---
    llm_backend: str = Field(default="extractive", description="extractive, llama-cpp or openai")
    llm_base_url: str = Field(default="http://127.0.0.1:8080/v1", description="OpenAI-compatible")
    llm_model: str = Field(default="local", description="model name sent to the server")
    llm_api_key: SecretStr | None = None
    llm_allow_remote: bool = Field(default=False, description="allow a non-loopback LLM host")
    llm_baa_hosts: list[str] = Field(default=[], description="hosts with a recorded BAA (JSON)")
    llm_model_path: Path | None = Field(default=None, description="GGUF file for llama-cpp")
    llm_model_sha256: str | None = Field(default=None, description="expected sha256 of the GGUF")
    llm_timeout_s: float = Field(default=300.0, gt=0)
    llm_max_tokens: int = Field(default=1024, ge=16)
    llm_threads: int = Field(default=0, ge=0, description="llama-cpp threads; 0: all cores")

    # --- risk screening ---
    screen_backend: Literal["rules", "rules+semantic", "rules+llm", "rules+semantic+llm"] = Field(
        default="rules+semantic",
        description="what screens in the pipeline and `clearnote screen` (+llm: the llm_* model)",
    )

    # --- record system (issue 5) ---
    home: Path = Field(default=Path.home() / ".clearnote", description="the practice data folder")
    key_file: Path = Field(
        default=Path.home() / ".config" / "clearnote" / "kek",
        description="key-encryption key file (0600), kept outside the home; refused inside it",
    )
    database_url: str | None = Field(default=None, description="default: SQLite in the home")
    owner_password: SecretStr | None = Field(default=None, description="for clearnote init")
    session_idle_timeout_s: int = Field(default=15 * 60, ge=60, le=30 * 60)
    session_absolute_timeout_s: int = Field(default=12 * 3600, ge=600, le=12 * 3600)
    login_max_failures: int = Field(default=5, ge=1, le=20, description="then lockout")
    login_lockout_s: int = Field(default=15 * 60, ge=1, description="doubles per further failure")

    # --- jobs and backup (issue 7) ---
    queue_url: str | None = Field(default=None, description="redis:// or amqp://; none: in-process")
    job_lease_s: float = Field(default=60.0, gt=0, description="a stage's lease; heartbeat at 1/3")
    job_max_attempts: int = Field(default=3, ge=1, description="then the stage is marked failed")
    backup_passphrase: SecretStr | None = Field(
        default=None, description="clearnote backup/restore"
    )
    blob_url: str | None = Field(
        default=None, description="s3://bucket/prefix for an S3-compatible store; none: local"
    )
    s3_endpoint_url: str | None = Field(default=None, description="MinIO etc.; none: AWS S3")
    s3_region: str | None = None
    s3_access_key_id: SecretStr | None = Field(default=None, description="none: boto3 chain")
    s3_secret_access_key: SecretStr | None = None


def load_settings() -> Settings:
    """Read settings once, at the edge (CLI, web app factory, worker)."""
    return Settings()
