"""Our Rasa component's tf-idf weighting against a dense reference, inside `.venv-rasa` (the
component imports Rasa, which lives only there)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"

CHECK = """
import numpy as np, scipy.sparse
from nlu.rasa_components.tfidf_featurizer import TfidfFeaturizer

idf = np.array([1.0, 2.0, 1.5, 3.0])
featurizer = TfidfFeaturizer.__new__(TfidfFeaturizer)  # only the weighting is under test
featurizer._idf = idf
# Row 0: counts 1, 2 and 3; row 1: nothing; row 2: a duplicate entry (1 + 1 at column 3).
counts = scipy.sparse.coo_matrix(
    (np.array([1, 2, 3, 1, 1]), (np.array([0, 0, 0, 2, 2]), np.array([0, 1, 2, 3, 3]))),
    shape=(3, 4),
)
for sublinear in (True, False):
    featurizer._config = {"sublinear_tf": sublinear}
    dense = counts.toarray().astype(float)
    logged = 1.0 + np.log(np.where(dense > 0, dense, 1.0))
    tf = np.where(dense > 0, logged, 0.0) if sublinear else dense
    expected = tf * idf
    norms = np.linalg.norm(expected, axis=1, keepdims=True)
    expected = expected / np.where(norms == 0, 1.0, norms)
    got = featurizer._weight(counts)
    assert isinstance(got, scipy.sparse.coo_matrix)
    assert np.allclose(got.toarray(), expected, rtol=1e-12, atol=1e-15), (got.toarray(), expected)
    assert np.allclose(np.linalg.norm(got.toarray(), axis=1), [1.0, 0.0, 1.0])
print("ok")
"""


def test_weighting_is_sublinear_tf_times_idf_scaled_to_unit_rows() -> None:
    if not RASA_PYTHON.exists():
        pytest.skip("no .venv-rasa (make setup creates it)")
    done = subprocess.run(
        [str(RASA_PYTHON), "-c", CHECK], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stderr[-2000:]
