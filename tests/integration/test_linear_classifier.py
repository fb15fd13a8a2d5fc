"""Our Rasa intent classifier (nlu/rasa_components/linear_classifier.py), inside `.venv-rasa`:
calibration, training on sparse sentence features, and a model that loads back unchanged."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"

CALIBRATION = """
import numpy as np
from nlu.rasa_components.linear_classifier import fit_temperature, softmax

rng = np.random.default_rng(7)
scores = rng.normal(size=(4000, 6))
p = softmax(scores, 3.0)
assert np.allclose(p.sum(axis=1), 1.0)
assert (np.argmax(p, axis=1) == np.argmax(scores, axis=1)).all()  # order is kept
# Labels drawn from softmax(3 * scores): the fitted temperature should be close to 3.
gold = np.array([rng.choice(6, p=row) for row in p])
t = fit_temperature(scores, gold)
assert 2.6 < t < 3.4, t
# Huge scores do not overflow.
assert np.isfinite(softmax(np.array([[1e4, 0.0, -1e4]]), 10.0)).all()
print("ok")
"""

ROUND_TRIP = """
import tempfile
from pathlib import Path
import numpy as np, scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from nlu.rasa_components.linear_classifier import LinearIntentClassifier

rng = np.random.default_rng(3)
WIDTH = 30
# Three intents, each lighting up its own ten feature columns, with noise elsewhere.
def message(intent, with_features=True):
    m = Message(data={TEXT: f"text of {intent}", "intent": intent})
    if with_features:
        row = rng.random(WIDTH) * 0.2
        block = {"wages": 0, "injury": 10, "contract": 20}[intent]
        row[block : block + 10] += rng.random(10)
        m.add_features(Features(scipy.sparse.coo_matrix(row), FEATURE_TYPE_SENTENCE, TEXT, "f"))
        m.add_features(Features(scipy.sparse.coo_matrix(row), FEATURE_TYPE_SEQUENCE, TEXT, "f"))
    return m

train = [message(i) for i in ("wages", "injury", "contract") for _ in range(20)]
with tempfile.TemporaryDirectory() as tmp:
    storage = LocalModelStorage(Path(tmp))
    resource = Resource("linear")
    context = ExecutionContext(GraphSchema({}), "test")
    classifier = LinearIntentClassifier.create(
        LinearIntentClassifier.get_default_config(), storage, resource, context
    )
    classifier.train(TrainingData(train))
    probes = [message(i) for i in ("wages", "injury", "contract")] + [message("wages", False)]
    classifier.process(probes)
    for probe, intent in zip(probes[:3], ("wages", "injury", "contract")):
        ranking = probe.get("intent_ranking")
        assert probe.get("intent")["name"] == intent, ranking
        confidences = [r["confidence"] for r in ranking]
        assert confidences == sorted(confidences, reverse=True)
        assert abs(sum(r["confidence"] for r in ranking) - 1.0) < 1e-9
        assert ranking[0]["confidence"] > 0.5
    # A message without features (empty text) still gets a ranking, and no crash.
    assert len(probes[3].get("intent_ranking")) == 3

    loaded = LinearIntentClassifier.load(
        LinearIntentClassifier.get_default_config(), storage, resource, context
    )
    again = [message(i) for i in ("wages", "injury", "contract")]
    copies = [Message(data=dict(m.data), features=list(m.features)) for m in again]
    classifier.process(again)
    loaded.process(copies)
    for a, b in zip(again, copies):
        assert a.get("intent_ranking") == b.get("intent_ranking")
print("ok")
"""


def run_in_rasa(code: str) -> subprocess.CompletedProcess[str]:
    if not RASA_PYTHON.exists():
        pytest.skip("no .venv-rasa (make setup creates it)")
    return subprocess.run(
        [str(RASA_PYTHON), "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_confidences_are_a_softmax_whose_temperature_fits_the_data() -> None:
    done = run_in_rasa(CALIBRATION)
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stderr[-2000:]


def test_trains_on_sentence_features_ranks_intents_and_loads_back_the_same() -> None:
    done = run_in_rasa(ROUND_TRIP)
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stderr[-2000:]
