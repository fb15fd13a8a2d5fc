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
    # The Rasa server's auth token (nlu/auth.py): this when set, else the token file's, which
    # `make setup` makes once (mode 0600, outside git).
    nlu_auth_token: SecretStr | None = None
    nlu_token_file: Path = PROJECT_ROOT / "var" / "nlu-token"
    # Where `courier-aid run` and `nlu serve` note the Rasa server each started (nlu/ownership.py),
    # so that the next start can stop one whose owner died.
    nlu_server_records: Path = PROJECT_ROOT / "var" / "nlu-servers"
    rasa_venv: Path = PROJECT_ROOT / ".venv-rasa"
    models_dir: Path = PROJECT_ROOT / "models"
    build_dir: Path = PROJECT_ROOT / "build"
    shared_dir: Path = PROJECT_ROOT.parent / "shared"

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = Field(
        default="https://api.telegram.org",
        description="Bot API root; requests go to {root}/bot{token}/{method}.",
    )
    # Webhook mode when a URL is set (Telegram must reach it); long polling otherwise.
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_webhook_listen: str = "127.0.0.1"
    telegram_webhook_port: int = 8443
    # Outgoing limits: about 30 messages a second in all, one a second per chat.
    telegram_overall_rate: float = 30.0
    telegram_chat_interval: float = 1.0
    telegram_concurrent_updates: int = 64

    # WeCom 微信客服 (issue 13): set WECOM_CORP_ID to run the channel.
    wecom_corp_id: str | None = None
    wecom_secret: SecretStr | None = None  # the self-built app allowed to call 微信客服 APIs
    wecom_token: SecretStr | None = None  # the callback's Token
    wecom_aes_key: SecretStr | None = None  # the callback's EncodingAESKey (43 characters)
    wecom_api_base_url: str = Field(
        default="https://qyapi.weixin.qq.com",
        description="API root; requests go to {root}/cgi-bin/...",
    )
    wecom_callback_host: str = "127.0.0.1"
    wecom_callback_port: int = 8090
    wecom_callback_path: str = "/wecom/callback"
    wecom_agent_id: int | None = None  # the app's AgentId: notices to staff in the WeCom app
    wecom_open_kfid: str | None = None  # the 微信客服 account (open_kfid) for `wecom link`

    # The union's WeChat service account 服务号 (issue 15): set WECHAT_MP_APP_ID to run it.
    wechat_mp_app_id: str | None = None
    wechat_mp_app_secret: SecretStr | None = None
    wechat_mp_token: SecretStr | None = None  # server configuration: Token
    wechat_mp_aes_key: SecretStr | None = None  # server configuration: EncodingAESKey (safe mode)
    wechat_mp_api_base_url: str = Field(
        default="https://api.weixin.qq.com",
        description="API root; requests go to {root}/cgi-bin/...",
    )
    wechat_mp_callback_host: str = "127.0.0.1"
    wechat_mp_callback_port: int = 8091
    wechat_mp_callback_path: str = "/wechat/callback"
    wechat_mp_template_event: str | None = None  # template id of the event reminder
    wechat_mp_template_event_fields: str = "thing1=title,time2=start,thing3=place"
    wechat_mp_template_daily_quota: int = Field(default=100_000, ge=1)
    wechat_mp_event_url: str | None = None  # a reminder's link, "{id}" for the event
    wechat_mp_kf_url: str | None = None  # the union's 微信客服 link (找工会/志愿者, 转人工)

    # Events and reminders (issue 6; see reminders/__init__.py). Comma lists are plain strings.
    admin_telegram_ids: str = Field(
        default="", description="Telegram user ids of administrators, comma separated."
    )
    broadcast_rate: float = 25.0  # messages a second in all, below Telegram's 30
    broadcast_workers: int = 8  # sends in flight at once (covers the Bot API's latency)
    reminder_offsets_default: str = "24h,1h"
    reminder_sync_seconds: float = 30.0  # how often the bot picks up events changed elsewhere
    event_tags: str = "青年服务月,工会活动,法律讲座,技能培训,健康体检"
    # The yearly youth service month. The city's plan (长交综运〔2022〕87号) asks to keep holding
    # it but names no dates, so there is no campaign until YOUTH_MONTH_START (MM-DD) is set.
    youth_month_start: str | None = None
    youth_month_days: int = 30
    youth_month_weeks: str = "1"  # weeks counted from the start; a message on each week's 1st day
    youth_month_send_time: str = "10:00"
    youth_month_tag: str = "青年服务月"
    youth_month_title: str = "快递从业青年服务月"
    youth_month_text: str = (
        "快递从业青年服务月开始啦。团市委和工会等部门为快递从业青年提供法律维权、心理疏导、"
        "困难救助等服务；有需要可以拨打 12355 青少年服务台，也可以直接在这里问我。"
    )

    # Policy thresholds, chosen on our own held-out split (see nlu/README.md).
    answer_threshold: float = 0.35
    clarify_threshold: float = 0.15
    clarify_margin: float = 0.80

    # Human handoff (issue 5): the staff group for case cards, duty hours, unclaimed timeouts.
    staff_chat_id: int | None = None
    duty_hours: str = "09:00-21:00"  # local time; an end before the start runs past midnight
    duty_days: str = "1-7"  # ISO weekdays, Monday 1: "1-5", "1-5,7"
    unclaimed_minutes: float = Field(default=5.0, gt=0)
    urgent_unclaimed_minutes: float = Field(default=1.0, gt=0)

    # Retention (issue 14; storage/retention.py): after this many days message texts, case
    # summaries and close notes are cleared and per-message rows deleted; counts stay for
    # reports. Purged daily at RETENTION_PURGE_TIME (local, HH:MM) and by `courier-aid data purge`.
    retention_days: int = Field(default=180, ge=1)
    retention_purge_time: str = "03:30"
    # The web console for the union office (issue 16; see console/__init__.py).
    console_host: str = "127.0.0.1"
    console_port: int = 8000
    # Signs the console's session cookies. Unset: generated once into `console_secret_file`
    # (mode 0600, outside git); set it on a server with several processes or hosts.
    console_secret_key: SecretStr | None = None
    console_secret_file: Path = PROJECT_ROOT / "var" / "console-secret"
    console_session_minutes: int = Field(default=480, gt=0)
    # Mark cookies Secure (only sent over HTTPS): set true behind the HTTPS reverse proxy.
    console_secure_cookies: bool = False
    # `courier-aid run` serves the console beside the assistant; false where a unit of its own
    # runs `courier-aid console` (deploy/systemd).
    console_with_assistant: bool = True

    timezone: str = "Asia/Shanghai"
    log_level: str = "INFO"
    log_message_text: bool = False

    @property
    def facts_file(self) -> Path:
        return self.shared_dir / "knowledge-facts.md"
