"""Read a legacy (pre-1.6, non-zip) PyTorch checkpoint into numpy arrays, without torch.

The Resemblyzer weights file is a sequence of pickles (magic number, protocol version, system
info, the object tree, the storage keys) followed by the raw storages. The object tree is read by a
restricted unpickler: it knows three globals (``collections.OrderedDict``,
``torch._utils._rebuild_tensor_v2`` and float storages) and refuses every other one, so a crafted
file cannot run code. Storages arrive through ``persistent_load``; tensors are rebuilt as numpy
views.
"""

from __future__ import annotations

import collections
import io
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from clearnote.errors import ModelError

_MAGIC = 0x1950A86A20F9469CFC6C
_PROTOCOL = 1001
_STORAGE_DTYPES: dict[str, np.dtype[Any]] = {
    "FloatStorage": np.dtype("<f4"),
    "DoubleStorage": np.dtype("<f8"),
    "LongStorage": np.dtype("<i8"),
    "IntStorage": np.dtype("<i4"),
}


@dataclass(frozen=True)
class _StorageType:
    dtype: np.dtype[Any]


@dataclass
class _Storage:
    key: str
    dtype: np.dtype[Any]
    size: int
    data: np.ndarray[Any, Any] | None = None


@dataclass(frozen=True)
class _TensorRef:
    storage: _Storage
    offset: int
    shape: tuple[int, ...]
    stride: tuple[int, ...]

    def materialise(self) -> np.ndarray[Any, Any]:
        data = self.storage.data
        if data is None:
            raise ModelError(f"checkpoint storage {self.storage.key} was never read")
        itemsize = data.itemsize
        end = self.offset + sum((n - 1) * s for n, s in zip(self.shape, self.stride, strict=True))
        if self.offset < 0 or (self.shape and min(self.shape) > 0 and end >= data.size):
            raise ModelError("checkpoint tensor points outside its storage")
        view = np.lib.stride_tricks.as_strided(
            data[self.offset :],
            shape=self.shape,
            strides=tuple(s * itemsize for s in self.stride),
            writeable=False,
        )
        return np.array(view, copy=True)


def _rebuild_tensor_v2(
    storage: _Storage,
    offset: int,
    shape: tuple[int, ...],
    stride: tuple[int, ...],
    *_rest: Any,
) -> _TensorRef:
    if not isinstance(storage, _Storage):
        raise pickle.UnpicklingError("tensor without a storage")
    return _TensorRef(storage, int(offset), tuple(map(int, shape)), tuple(map(int, stride)))


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that builds only plain containers, float storages and tensor references."""

    def __init__(self, file: BinaryIO) -> None:
        super().__init__(file)
        self.storages: dict[str, _Storage] = {}

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor_v2
        if module == "torch" and name in _STORAGE_DTYPES:
            return _StorageType(_STORAGE_DTYPES[name])
        raise pickle.UnpicklingError(f"global {module}.{name} is not allowed in a weights file")

    def persistent_load(self, pid: Any) -> Any:
        if not (isinstance(pid, tuple) and len(pid) >= 5 and pid[0] == "storage"):
            raise pickle.UnpicklingError("unknown persistent id in a weights file")
        _, storage_type, key, _location, size = pid[:5]
        if not isinstance(storage_type, _StorageType) or not isinstance(key, str):
            raise pickle.UnpicklingError("malformed storage reference in a weights file")
        if len(pid) > 5 and pid[5] is not None:
            raise pickle.UnpicklingError("storage views are not supported")
        storage = self.storages.get(key)
        if storage is None:
            storage = _Storage(key, storage_type.dtype, int(size))
            self.storages[key] = storage
        return storage


def _load_one(stream: BinaryIO, unpickler: RestrictedUnpickler | None = None) -> Any:
    reader = unpickler or RestrictedUnpickler(stream)
    return reader.load()


def _resolve(obj: Any) -> Any:
    if isinstance(obj, _TensorRef):
        return obj.materialise()
    if isinstance(obj, dict):
        return type(obj)((k, _resolve(v)) for k, v in obj.items())
    if isinstance(obj, list):
        return [_resolve(v) for v in obj]
    if isinstance(obj, tuple):
        return tuple(_resolve(v) for v in obj)
    return obj


def load_legacy_checkpoint(raw: bytes, *, name: str = "checkpoint") -> dict[str, Any]:
    """Parse the bytes of a legacy torch checkpoint; tensors come back as numpy arrays."""
    stream = io.BytesIO(raw)
    try:
        if _load_one(stream) != _MAGIC:
            raise ModelError(f"{name}: not a legacy PyTorch checkpoint")
        if _load_one(stream) != _PROTOCOL:
            raise ModelError(f"{name}: unsupported PyTorch checkpoint protocol")
        sys_info = _load_one(stream)
        if not isinstance(sys_info, dict) or not sys_info.get("little_endian", False):
            raise ModelError(f"{name}: unsupported byte order")
        main = RestrictedUnpickler(stream)
        tree = main.load()
        keys = _load_one(stream)
        if not isinstance(keys, list):
            raise ModelError(f"{name}: malformed storage list")
        for key in keys:
            storage = main.storages.get(key)
            if storage is None:
                raise ModelError(f"{name}: storage list names an unknown storage")
            count = int.from_bytes(stream.read(8), "little", signed=True)
            if count != storage.size:
                raise ModelError(f"{name}: storage size mismatch")
            nbytes = count * storage.dtype.itemsize
            chunk = stream.read(nbytes)
            if len(chunk) != nbytes:
                raise ModelError(f"{name}: truncated storage data")
            storage.data = np.frombuffer(chunk, dtype=storage.dtype)
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError) as exc:
        raise ModelError(f"{name}: cannot read weights ({type(exc).__name__})") from exc
    if not isinstance(tree, dict):
        raise ModelError(f"{name}: checkpoint is not a dictionary")
    return dict(_resolve(tree))


def load_legacy_checkpoint_file(path: Path) -> dict[str, Any]:
    """Read and parse a legacy torch checkpoint file (callers verify its hash first)."""
    return load_legacy_checkpoint(path.read_bytes(), name=path.name)
