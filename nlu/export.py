"""Export a trained Rasa model's classifier as plain arrays the application can run by itself.

Our pipeline (nlu/config.yml) is jieba words -> tf-idf character 1-2-grams and tf-idf words ->
a linear SVM with a softmax temperature. Everything it learned is plain data in the model archive:
the jieba user dictionaries, each featurizer's vocabulary (JSON) and idf vector (.npy), and the
classifier's weights, biases, labels and temperature (.npz). This reads them with the standard
library (the application has neither numpy nor Rasa) and writes one zip next to the model, named
by the same hash (`nlu-<hash>.classifier.zip`):

- `model.json`: labels, bias, temperature, ranking length, the featurizers in pipeline order
  (analyzer, n-gram range, vocabulary, and where their columns start) and the dictionaries' text;
- `idf.f64` and `weights.f64`: little-endian float64; weights feature-major (for each feature
  column, one weight per label), so a sparse message reads only the rows it needs.

Nothing is unpickled: .npy files are read by their documented header.
"""

from __future__ import annotations

import ast
import io
import json
import re
import sys
import tarfile
import zipfile
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EXPORT_SUFFIX = ".classifier.zip"
FORMAT = 1
_NPY_MAGIC = b"\x93NUMPY"
_TOKENIZER = "JiebaTokenizer"
_FEATURIZER = "TfidfFeaturizer"
_CLASSIFIER = "LinearIntentClassifier"


class ExportError(RuntimeError):
    """The model archive is not the pipeline this exporter knows."""


def export_path(model: Path) -> Path:
    """`models/nlu-<hash>.tar.gz` -> `models/nlu-<hash>.classifier.zip`."""
    return model.with_name(model.name.removesuffix(".tar.gz") + EXPORT_SUFFIX)


@dataclass(frozen=True, slots=True)
class NpyArray:
    descr: str
    shape: tuple[int, ...]
    fortran: bool  # column-major: for labels x features, one column (feature) after another
    payload: bytes

    @property
    def size(self) -> int:
        count = 1
        for n in self.shape:
            count *= n
        return count

    def floats(self) -> array[float]:
        if self.descr != "<f8":
            raise ExportError(f"expected little-endian float64, found {self.descr}")
        values = array("d")
        values.frombytes(self.payload[: 8 * self.size])
        if sys.byteorder == "big":
            values.byteswap()
        return values

    def texts(self) -> list[str]:
        if not self.descr.startswith("<U"):
            raise ExportError(f"expected unicode strings, found {self.descr}")
        width = 4 * int(self.descr[2:])
        return [
            self.payload[i * width : (i + 1) * width].decode("utf-32-le").rstrip("\x00")
            for i in range(self.size)
        ]


def read_npy(data: bytes) -> NpyArray:
    """An array from .npy bytes (format versions 1-3), by its documented header."""
    if not data.startswith(_NPY_MAGIC):
        raise ExportError("not a .npy file")
    if data[6] == 1:
        header_len, start = int.from_bytes(data[8:10], "little"), 10
    else:
        header_len, start = int.from_bytes(data[8:12], "little"), 12
    header = ast.literal_eval(data[start : start + header_len].decode("latin-1"))
    shape = tuple(int(n) for n in header["shape"])
    fortran = bool(header.get("fortran_order"))
    return NpyArray(str(header["descr"]), shape, fortran, data[start + header_len :])


def _read_npz(data: bytes) -> dict[str, NpyArray]:
    with zipfile.ZipFile(io.BytesIO(data)) as npz:
        return {name.removesuffix(".npy"): read_npy(npz.read(name)) for name in npz.namelist()}


_NODE = re.compile(r"run_(?:[\w.]*\.)?(JiebaTokenizer|TfidfFeaturizer|LinearIntentClassifier)(\d+)")


def _components(files: dict[str, bytes]) -> list[tuple[str, dict[str, Any], str]]:
    """(kind, config, resource folder) of the prediction graph's nodes, in pipeline order."""
    nodes = json.loads(files["metadata.json"])["predict_schema"]["nodes"]
    found = []
    for name, node in nodes.items():
        match = _NODE.fullmatch(name)
        resource = (node.get("resource") or {}).get("name")
        if match and resource:
            config = dict(node.get("config") or {})
            found.append((int(match[2]), match[1], config, f"components/{resource}"))
    found.sort(key=lambda item: item[0])
    return [(kind, config, folder) for _, kind, config, folder in found]


def feature_major(matrix: NpyArray) -> array[float]:
    """labels x features weights laid out one feature after another (all labels' weights each)."""
    values = matrix.floats()
    if matrix.fortran or len(matrix.shape) < 2:
        return values
    labels, width = matrix.shape
    return array("d", (values[row * width + col] for col in range(width) for row in range(labels)))


def build_export(model: Path) -> tuple[dict[str, Any], array[float], array[float]]:
    """model.json's content, the idf vector and the feature-major weights of `model`."""
    with tarfile.open(model, "r:gz") as archive:
        files = {}
        for member in archive.getmembers():
            extracted = archive.extractfile(member) if member.isfile() else None
            if extracted is not None:
                files[member.name.lstrip("/")] = extracted.read()
    components = _components(files)
    kinds = [kind for kind, _, _ in components]
    if kinds.count(_TOKENIZER) != 1 or kinds.count(_CLASSIFIER) != 1 or _FEATURIZER not in kinds:
        raise ExportError(f"unexpected pipeline {kinds}: expected jieba, tf-idf, linear")
    dictionaries: dict[str, str] = {}
    featurizers: list[dict[str, Any]] = []
    idf: array[float] = array("d")
    classifier: dict[str, NpyArray] = {}
    ranking_length = 10
    for kind, config, folder in components:
        inside = {k.removeprefix(folder + "/"): v for k, v in files.items() if k.startswith(folder)}
        if kind == _TOKENIZER:
            dictionaries = {
                name: content.decode("utf-8")
                for name, content in sorted(inside.items())
                if name.endswith(".txt")
            }
        elif kind == _FEATURIZER:
            vocabulary = json.loads(inside["vocabularies.json"])["text"]
            weights = read_npy(inside["idf.npy"]).floats()
            if len(weights) != len(vocabulary):
                raise ExportError(f"{folder}: idf and vocabulary differ in size")
            featurizers.append(
                {
                    "analyzer": config.get("analyzer", "word"),
                    "min_ngram": int(config.get("min_ngram", 1)),
                    "max_ngram": int(config.get("max_ngram", 1)),
                    "lowercase": bool(config.get("lowercase", True)),
                    "sublinear_tf": bool(config.get("sublinear_tf", True)),
                    "offset": len(idf),
                    "vocabulary": vocabulary,
                }
            )
            idf.extend(weights)
        else:
            classifier = _read_npz(inside["linear_classifier.npz"])
            ranking_length = int(config.get("ranking_length", ranking_length))
    if not classifier:
        raise ExportError("the classifier stored no weights")
    names = classifier["labels"].texts()
    labels, width = len(names), len(idf)
    if classifier["weights"].shape != (labels, width):
        raise ExportError(
            f"weights {classifier['weights'].shape} do not match {labels} labels x {width} features"
        )
    weights = feature_major(classifier["weights"])
    meta = {
        "format": FORMAT,
        "model": model.name,
        "labels": names,
        "bias": classifier["bias"].floats().tolist(),
        "temperature": classifier["temperature"].floats()[0],
        "ranking_length": ranking_length,
        "featurizers": featurizers,
        "dictionaries": dictionaries,
    }
    return meta, idf, weights


def export_classifier(model: Path, target: Path | None = None) -> Path:
    """Write the export of `model` (atomically) and return its path."""
    target = target or export_path(model)
    meta, idf, weights = build_export(model)
    if sys.byteorder == "big":
        idf.byteswap()
        weights.byteswap()
    draft = target.with_name(f".{target.name}.tmp")
    with zipfile.ZipFile(draft, "w", compression=zipfile.ZIP_DEFLATED) as out:
        out.writestr("model.json", json.dumps(meta, ensure_ascii=False))
        out.writestr("idf.f64", idf.tobytes())
        out.writestr("weights.f64", weights.tobytes())
    draft.replace(target)
    return target
