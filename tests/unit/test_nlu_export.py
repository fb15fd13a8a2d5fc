"""Exporting a trained model's classifier as plain arrays, read without numpy."""

from __future__ import annotations

import json
import zipfile
from array import array
from pathlib import Path

import pytest

from nlu.export import ExportError, export_classifier, export_path, feature_major, read_npy
from tests.helpers.fake_model import npy, write_model


def test_reads_numpys_arrays_in_either_order() -> None:
    c_order = read_npy(npy([1, 2, 3, 4, 5, 6], (2, 3)))
    assert c_order.shape == (2, 3) and not c_order.fortran
    assert list(c_order.floats()) == [1, 2, 3, 4, 5, 6]
    # labels x features, stored row by row: feature-major means column by column
    assert list(feature_major(c_order)) == [1, 4, 2, 5, 3, 6]
    fortran = read_npy(npy([1, 4, 2, 5, 3, 6], (2, 3), fortran=True))
    assert list(feature_major(fortran)) == [1, 4, 2, 5, 3, 6]


def test_reads_labels_and_scalars() -> None:
    assert read_npy(npy(["wages.arrears", "工伤"], (2,))).texts() == ["wages.arrears", "工伤"]
    assert list(read_npy(npy([0.25], ())).floats()) == [0.25]
    with pytest.raises(ExportError):
        read_npy(b"not numpy")
    with pytest.raises(ExportError, match="float64"):
        read_npy(npy(["a"], (1,))).floats()


@pytest.mark.parametrize("fortran", [True, False])
def test_export_holds_the_pipeline_in_order(tmp_path: Path, fortran: bool) -> None:
    model = write_model(
        tmp_path / "nlu-abc.tar.gz",
        labels=["a.one", "b.two"],
        char_vocabulary={"工": 0, "资": 1},
        word_vocabulary={"工资": 0},
        weights_by_label=[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]],
        bias=[0.5, -0.5],
        temperature=2.0,
        char_idf=[1.5, 2.5],
        word_idf=[3.5],
        fortran=fortran,
    )
    exported = export_classifier(model)
    assert exported == export_path(model) == tmp_path / "nlu-abc.classifier.zip"
    with zipfile.ZipFile(exported) as export:
        meta = json.loads(export.read("model.json"))
        idf, weights = array("d"), array("d")
        idf.frombytes(export.read("idf.f64"))
        weights.frombytes(export.read("weights.f64"))
    assert meta["labels"] == ["a.one", "b.two"] and meta["bias"] == [0.5, -0.5]
    assert meta["temperature"] == 2.0 and meta["ranking_length"] == 10
    analyzers = [(f["analyzer"], f["offset"], f["max_ngram"]) for f in meta["featurizers"]]
    assert analyzers == [("char", 0, 2), ("word", 2, 1)]
    assert meta["dictionaries"] == {"domain.txt": "工伤认定 3000 n\n"}
    assert list(idf) == [1.5, 2.5, 3.5]
    assert list(weights) == [1.0, 4.0, 2.0, 5.0, 3.0, 6.0]  # per feature, every label's weight


def test_weights_that_do_not_fit_the_features_are_refused(tmp_path: Path) -> None:
    model = write_model(
        tmp_path / "nlu-bad.tar.gz",
        labels=["a", "b"],
        char_vocabulary={"工": 0},
        word_vocabulary={"工资": 0},
        weights_by_label=[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]],  # three columns for two features
        bias=[0.0, 0.0],
    )
    with pytest.raises(ExportError, match="do not match"):
        export_classifier(model)
