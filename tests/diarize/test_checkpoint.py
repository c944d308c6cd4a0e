"""The restricted reader of legacy torch checkpoints: reads tensors, refuses anything else."""

from __future__ import annotations

import io
import os
import pickle
import sys
import types
from collections import OrderedDict
from typing import Any

import numpy as np
import pytest

from clearnote.diarize.checkpoint import RestrictedUnpickler, load_legacy_checkpoint
from clearnote.errors import ModelError

MAGIC = 0x1950A86A20F9469CFC6C


class _Evil:
    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, ("echo pwned",))


def _build_checkpoint(monkeypatch: pytest.MonkeyPatch, tensors: dict[str, np.ndarray]) -> bytes:
    """Write a legacy-format checkpoint the way torch < 1.6 did, with stand-in torch globals."""
    torch_mod = types.ModuleType("torch")
    utils_mod = types.ModuleType("torch._utils")

    def _rebuild_tensor_v2(*args: Any) -> None:  # pragma: no cover - never called
        raise AssertionError

    class FloatStorage:
        pass

    _rebuild_tensor_v2.__module__ = "torch._utils"
    _rebuild_tensor_v2.__qualname__ = "_rebuild_tensor_v2"
    FloatStorage.__module__ = "torch"
    FloatStorage.__qualname__ = "FloatStorage"
    utils_mod._rebuild_tensor_v2 = _rebuild_tensor_v2  # type: ignore[attr-defined]
    torch_mod.FloatStorage = FloatStorage  # type: ignore[attr-defined]
    torch_mod._utils = utils_mod  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "torch", torch_mod)
    monkeypatch.setitem(sys.modules, "torch._utils", utils_mod)

    class Tensor:
        def __init__(self, key: str, arr: np.ndarray) -> None:
            self.key, self.arr = key, arr

        def __reduce__(self) -> tuple[Any, ...]:
            storage = ("storage", FloatStorage, self.key, "cpu", self.arr.size, None)
            stride = tuple(s // 4 for s in self.arr.strides)
            return (_rebuild_tensor_v2, (storage, 0, self.arr.shape, stride, False, OrderedDict()))

    class Pickler(pickle.Pickler):
        def persistent_id(self, obj: Any) -> Any:
            return obj if isinstance(obj, tuple) and obj and obj[0] == "storage" else None

    out = io.BytesIO()
    for head in (MAGIC, 1001, {"protocol_version": 1001, "little_endian": True}):
        pickle.dump(head, out, protocol=2)
    tree = {"model_state": OrderedDict((k, Tensor(k, v)) for k, v in tensors.items())}
    Pickler(out, protocol=2).dump(tree)
    pickle.dump(list(tensors), out, protocol=2)
    for arr in tensors.values():
        out.write(int(arr.size).to_bytes(8, "little"))
        out.write(np.ascontiguousarray(arr, dtype="<f4").tobytes())
    return out.getvalue()


def test_reads_tensors_from_a_legacy_checkpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    b = np.array([1.5, -2.0], dtype=np.float32)
    raw = _build_checkpoint(monkeypatch, {"a": a, "b": b})
    state = load_legacy_checkpoint(raw)["model_state"]
    np.testing.assert_array_equal(state["a"], a)
    np.testing.assert_array_equal(state["b"], b)


def test_refuses_a_pickle_that_would_run_code() -> None:
    payload = pickle.dumps(_Evil(), protocol=2)
    with pytest.raises(pickle.UnpicklingError, match="not allowed"):
        RestrictedUnpickler(io.BytesIO(payload)).load()


def test_malicious_checkpoint_becomes_model_error() -> None:
    out = io.BytesIO()
    for head in (MAGIC, 1001, {"little_endian": True}):
        pickle.dump(head, out, protocol=2)
    pickle.dump({"model_state": _Evil()}, out, protocol=2)
    with pytest.raises(ModelError, match="cannot read weights"):
        load_legacy_checkpoint(out.getvalue())


def test_refuses_non_checkpoint_bytes() -> None:
    with pytest.raises(ModelError):
        load_legacy_checkpoint(pickle.dumps(42, protocol=2))


def test_truncated_storage_is_model_error(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = _build_checkpoint(monkeypatch, {"a": np.ones(8, dtype=np.float32)})
    with pytest.raises(ModelError, match="truncated"):
        load_legacy_checkpoint(raw[:-4])
