"""Compile Rasa training data from the knowledge entries, and train a model only when needed.

The intents are the topic ids; their examples live in the knowledge entries, so the knowledge base
and the model cannot drift apart. `nlu/data/*.yml` adds lookups, regexes and synonyms.
A model is named by a hash of everything that shapes it, so an unchanged project never retrains.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import shutil
import subprocess
import tarfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from knowledge.schema import Entry
from nlu.export import EXPORT_SUFFIX, ExportError, export_classifier, export_path
from nlu.text import classifier_text

NLU_DIR = Path(__file__).resolve().parent
CONFIG_FILE = NLU_DIR / "config.yml"
DATA_DIR = NLU_DIR / "data"
DICT_DIR = NLU_DIR / "dict"
RASA_REQUIREMENTS = NLU_DIR / "requirements-rasa.txt"
HELDOUT_DIR = NLU_DIR / "heldout"
COMPONENTS_DIR = NLU_DIR / "rasa_components"

log = logging.getLogger(__name__)

# Rasa reads [text](entity) and {"entity": ...} annotations inside examples: keep them literal.
_ANNOTATION_CHARS = str.maketrans(
    {"[": "［", "]": "］", "(": "（", ")": "）", "{": "｛", "}": "｝"}
)


class TrainingError(RuntimeError):
    """Rasa could not train; the message says why and where the log is."""


def training_examples(entries: Iterable[Entry]) -> dict[str, list[str]]:
    """Intent name -> examples in the form the classifier reads (nlu/text.py), in entry order."""
    return {
        entry.topic: [classifier_text(example) for example in entry.examples]
        for entry in entries
        if entry.examples
    }


def render_nlu_yaml(examples: dict[str, list[str]]) -> str:
    lines = ['version: "3.1"', "nlu:"]
    for intent, texts in examples.items():
        lines.append(f"- intent: {intent}")
        lines.append("  examples: |")
        for text in texts:
            clean = " ".join(text.translate(_ANNOTATION_CHARS).split())
            lines.append(f"    - {clean}")
    return "\n".join(lines) + "\n"


def compile_data(entries: Iterable[Entry], out_dir: Path) -> Path:
    """Write the training data folder Rasa reads: compiled examples plus nlu/data/*.yml."""
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    (out_dir / "examples.yml").write_text(
        render_nlu_yaml(training_examples(entries)), encoding="utf-8"
    )
    for extra in sorted(DATA_DIR.glob("*.yml")):
        shutil.copyfile(extra, out_dir / extra.name)
    return out_dir


def _digest(data_files: Iterable[tuple[str, bytes]]) -> str:
    named = [(CONFIG_FILE.name, CONFIG_FILE.read_bytes())]
    named.append((RASA_REQUIREMENTS.name, RASA_REQUIREMENTS.read_bytes()))
    named += sorted(data_files)
    named += [(p.name, p.read_bytes()) for p in sorted(DICT_DIR.glob("*"))]
    named += [(p.name, p.read_bytes()) for p in sorted(COMPONENTS_DIR.glob("*.py"))]
    digest = hashlib.sha256()
    for name, content in named:
        digest.update(name.encode())
        digest.update(content)
    return digest.hexdigest()[:16]


def fingerprint(data_dir: Path) -> str:
    """A hash of the training data, the pipeline, the dictionary and the Rasa version."""
    return _digest((path.name, path.read_bytes()) for path in data_dir.glob("*.yml"))


def current_fingerprint(entries: Iterable[Entry]) -> str:
    """`fingerprint` of the data `compile_data` would write for `entries`, without writing it:
    the name of the model trained on them (the in-process model looks for its export by it)."""
    files = [("examples.yml", render_nlu_yaml(training_examples(entries)).encode())]
    files += [(extra.name, extra.read_bytes()) for extra in DATA_DIR.glob("*.yml")]
    return _digest(files)


def model_path(models_dir: Path, digest: str) -> Path:
    return models_dir / f"nlu-{digest}.tar.gz"


def rasa_executable(rasa_venv: Path) -> Path:
    exe = rasa_venv / "bin" / "rasa"
    if not exe.exists():
        raise TrainingError(
            f"Rasa is not installed at {exe}. Run `make setup` (it makes .venv-rasa, Python 3.10)."
        )
    return exe


def train(
    entries: Iterable[Entry],
    *,
    build_dir: Path,
    models_dir: Path,
    rasa_venv: Path,
    force: bool = False,
) -> Path:
    """Return the model for the current data, training it first if it does not exist yet,
    and export its classifier for in-process use beside it (nlu/export.py) if not done yet.

    One training at a time per models folder (a file lock): `make run`, the tests and the bench
    may all ask at once, and they share the compiled data folder and the model's file name.
    """
    models_dir.mkdir(parents=True, exist_ok=True)
    with _one_at_a_time(models_dir / ".train.lock"):
        model = _train(
            entries, build_dir=build_dir, models_dir=models_dir, rasa_venv=rasa_venv, force=force
        )
        exported = export_path(model)
        if force or not exported.exists():
            try:
                export_classifier(model, exported)
                log.info("NLU model exported for in-process use: %s", exported.name)
            except (ExportError, OSError, KeyError, ValueError, tarfile.TarError) as exc:
                # The server works without it; only understanding while it is down is poorer.
                log.warning("could not export %s for in-process use: %s", model.name, exc)
        for stale in models_dir.glob(f"nlu-*{EXPORT_SUFFIX}"):
            if stale != exported:
                stale.unlink()
        return model


@contextlib.contextmanager
def _one_at_a_time(lock_file: Path) -> Iterator[None]:
    with lock_file.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file is closed
        yield


def _train(
    entries: Iterable[Entry],
    *,
    build_dir: Path,
    models_dir: Path,
    rasa_venv: Path,
    force: bool,
) -> Path:
    data_dir = compile_data(entries, build_dir / "nlu-data")
    digest = fingerprint(data_dir)
    target = model_path(models_dir, digest)
    if target.exists() and not force:
        log.info("NLU model %s is up to date", target.name)
        return target
    log_file = build_dir / "rasa-train.log"
    command = [
        str(rasa_executable(rasa_venv)),
        "train",
        "nlu",
        "--config",
        str(CONFIG_FILE),
        "--nlu",
        str(data_dir),
        "--out",
        str(models_dir),
        "--fixed-model-name",
        target.name.removesuffix(".tar.gz"),
    ]
    env = rasa_environment()
    with log_file.open("w", encoding="utf-8") as out:
        result = subprocess.run(
            command, cwd=NLU_DIR.parent, stdout=out, stderr=subprocess.STDOUT, env=env, check=False
        )
    if result.returncode != 0 or not target.exists():
        raise TrainingError(f"rasa train failed (exit {result.returncode}); see {log_file}")
    for stale in models_dir.glob("nlu-*.tar.gz"):
        if stale != target:
            stale.unlink()
    return target


def heldout_items(heldout_dir: Path = HELDOUT_DIR) -> list[dict[str, str]]:
    """Our own held-out questions (never trained on) as eval items: {id, text, topic}."""
    items = []
    for path in sorted(heldout_dir.glob("*.txt")):
        topic = path.stem
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                items.append({"id": f"{topic}-{number}", "text": line.strip(), "topic": topic})
    return items


def rasa_environment() -> dict[str, str]:
    """The environment for Rasa processes: quiet TensorFlow, our custom components importable."""
    return {
        **os.environ,
        "PYTHONPATH": str(NLU_DIR.parent),
        # Our model file is already cached by hash; Rasa's own training cache would only fill
        # the disk (hundreds of MB per run) and, in the repository root, risk being committed.
        "RASA_MAX_CACHE_SIZE": "0",
        "RASA_CACHE_DIRECTORY": str(NLU_DIR.parent / "build" / "rasa-cache"),
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    }
