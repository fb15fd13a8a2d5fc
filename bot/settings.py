"""Typed settings, read once from the environment (and an optional `.env` file)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Everything configurable. Secrets are `SecretStr`; nothing here has side effects."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'var' / 'courier-aid.db'}",
        description="SQLAlchemy URL; SQLite file by default, PostgreSQL in production and CI.",
    )
    nlu_url: str = "http://127.0.0.1:5005"
    nlu_timeout_seconds: float = 3.0
    rasa_venv: Path = PROJECT_ROOT / ".venv-rasa"
    models_dir: Path = PROJECT_ROOT / "models"
    build_dir: Path = PROJECT_ROOT / "build"
    shared_dir: Path = PROJECT_ROOT.parent / "shared"

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org"

    # Policy thresholds, chosen on our own held-out split (see nlu/README.md).
    answer_threshold: float = 0.25
    clarify_threshold: float = 0.10
    clarify_margin: float = 0.20

    timezone: str = "Asia/Shanghai"
    log_level: str = "INFO"
    log_message_text: bool = False

    @property
    def facts_file(self) -> Path:
        return self.shared_dir / "knowledge-facts.md"
