"""A small model archive shaped like the ones `rasa train` writes for our pipeline (jieba,
two tf-idf featurizers, the linear classifier), with .npy files written by hand as numpy would:
for testing the export and the in-process model without numpy or Rasa in this environment."""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from array import array
from pathlib import Path

CLASSIFIER = "nlu.rasa_components.linear_classifier.LinearIntentClassifier"
FEATURIZER = "nlu.rasa_components.tfidf_featurizer.TfidfFeaturizer"


def npy(values: list[float] | list[str], shape: tuple[int, ...], *, fortran: bool = False) -> bytes:
    """The bytes numpy.save writes (format 1.0), for float64 or fixed-width unicode arrays."""
    if values and isinstance(values[0], str):
        width = max(len(str(v)) for v in values)
        descr = f"<U{width}"
        payload = b"".join(str(v).ljust(width, "\x00").encode("utf-32-le") for v in values)
    else:
        descr = "<f8"
        payload = array("d", [float(v) for v in values]).tobytes()
    shape_text = f"({shape[0]},)" if len(shape) == 1 else str(shape)
    header = f"{{'descr': '{descr}', 'fortran_order': {fortran}, 'shape': {shape_text}, }}"
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode() + payload


def npz(arrays: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for name, content in arrays.items():
            out.writestr(f"{name}.npy", content)
    return buffer.getvalue()


def _node(name: str, config: dict[str, object], resource: str | None) -> tuple[str, object]:
    return name, {
        "config": config,
        "resource": {"name": resource, "output_fingerprint": "x"} if resource else None,
    }


def write_model(
    path: Path,
    *,
    labels: list[str],
    char_vocabulary: dict[str, int],
    word_vocabulary: dict[str, int],
    weights_by_label: list[list[float]],
    bias: list[float],
    temperature: float = 1.0,
    char_idf: list[float] | None = None,
    word_idf: list[float] | None = None,
    dictionary: str = "工伤认定 3000 n\n",
    fortran: bool = True,
) -> Path:
    """An archive for `labels` x (char + word) features; weights given one row per label."""
    char_idf = char_idf or [1.0] * len(char_vocabulary)
    word_idf = word_idf or [1.0] * len(word_vocabulary)
    width = len(weights_by_label[0])  # as given, to test weights that do not fit too
    flat = (
        [row[col] for col in range(width) for row in weights_by_label]
        if fortran
        else [value for row in weights_by_label for value in row]
    )
    nodes = dict(
        [
            _node("nlu_message_converter", {}, None),
            _node("run_JiebaTokenizer0", {"dictionary_path": "nlu/dict"}, "train_JiebaTokenizer0"),
            _node(
                f"run_{FEATURIZER}1",
                {"analyzer": "char", "min_ngram": 1, "max_ngram": 2},
                f"train_{FEATURIZER}1",
            ),
            _node(f"run_{FEATURIZER}2", {"analyzer": "word"}, f"train_{FEATURIZER}2"),
            _node(f"run_{CLASSIFIER}3", {"C": 1.0}, f"train_{CLASSIFIER}3"),
            _node("run_FallbackClassifier4", {"threshold": 0.2}, None),
        ]
    )
    files = {
        "metadata.json": json.dumps({"predict_schema": {"nodes": nodes}}).encode(),
        "components/train_JiebaTokenizer0/domain.txt": dictionary.encode(),
        f"components/train_{FEATURIZER}1/vocabularies.json": json.dumps(
            {"text": char_vocabulary, "response": {}}
        ).encode(),
        f"components/train_{FEATURIZER}1/idf.npy": npy(char_idf, (len(char_idf),)),
        f"components/train_{FEATURIZER}2/vocabularies.json": json.dumps(
            {"text": word_vocabulary}
        ).encode(),
        f"components/train_{FEATURIZER}2/idf.npy": npy(word_idf, (len(word_idf),)),
        f"components/train_{CLASSIFIER}3/linear_classifier.npz": npz(
            {
                "weights": npy(flat, (len(labels), width), fortran=fortran),
                "bias": npy(bias, (len(bias),)),
                "labels": npy(labels, (len(labels),)),
                "temperature": npy([temperature], ()),
            }
        ),
    }
    with tarfile.open(path, "w:gz") as archive:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return path
