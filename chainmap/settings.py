"""All configuration in one place: environment variables with the prefix ``CHAINMAP_``.

Nothing is read at import time: call :func:`get_settings` (cached) or build
``Settings(...)`` explicitly, as tests do.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from chainmap.domain import Jurisdiction
from chainmap.gaps import StatusThresholds
from chainmap.io.units import DEFAULT_CURRENCY_RATES

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    """chainmap settings. Every field can be set as ``CHAINMAP_<FIELD>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="CHAINMAP_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'var' / 'chainmap.db'}",
        description="SQLAlchemy URL; SQLite file by default, PostgreSQL in production "
        "(postgresql+psycopg://user@host/db).",
    )
    chains_dir: Path = Field(
        default=PROJECT_ROOT / "data" / "industry_chains",
        description="Folder of chain definition YAML files.",
    )
    jurisdiction_province: str = Field(default="江西省", description="本地：省")
    jurisdiction_city: str = Field(default="示范市", description="本地：市")
    jurisdiction_district: str | None = Field(default=None, description="本地：区县（可选）")

    status_strong_min_count: int = Field(default=3, ge=1)
    status_strong_min_strength: float = Field(default=1.0, ge=0)
    status_min_confidence: float = Field(default=0.5, ge=0, le=1)
    classify_min_confidence: float = Field(default=0.3, ge=0, le=1)

    targets_max_page_size: int = Field(default=500, ge=1)
    import_max_bytes: int = Field(
        default=50 * 1024 * 1024, ge=1, description="上传文件大小上限 / upload size limit (bytes)"
    )
    import_max_rows: int = Field(default=200_000, ge=1, description="导入行数上限 / row limit")
    currency_rates: dict[str, float] = Field(
        default_factory=lambda: dict(DEFAULT_CURRENCY_RATES),
        description="外币折人民币汇率 / rates to 人民币 for amounts such as 300万美元",
    )
    flag_signed_not_started_days: int = Field(
        default=180, ge=1, description="签约后超过该天数未开工即亮牌 / signed, not started"
    )
    flag_claim_idle_days: int = Field(
        default=60, ge=1, description="认领后超过该天数无进展即亮牌 / claimed, no stage change"
    )
    flag_started_no_funds_days: int = Field(
        default=90, ge=1, description="开工后超过该天数无资金到位即亮牌 / started, no funds"
    )
    flag_red_factor: float = Field(
        default=1.5, gt=1, description="超过阈值该倍数即红牌，否则黄牌 / red beyond this factor"
    )
    enterprise_stale_after_days: int = Field(
        default=365, ge=1, description="企业信息超过该天数未核实即标为过期 / days before stale"
    )
    carrier_stale_after_days: int = Field(
        default=90,
        ge=1,
        description="载体信息超过该天数未核实即标为过期，不再作为可用载体 / days before stale",
    )

    secret_key: SecretStr | None = Field(
        default=None,
        description="签发登录令牌的密钥；未设置时每次启动随机生成（重启后需重新登录；多进程部署"
        "必须设置）/ token signing key; random per start when unset (set it for several workers)",
    )
    token_ttl_minutes: int = Field(default=8 * 60, ge=1, description="登录令牌有效期（分钟）")
    login_max_attempts: int = Field(
        default=5, ge=1, description="同一用户名和地址在时间窗内允许的登录失败次数"
    )
    login_window_seconds: int = Field(default=300, ge=1, description="登录失败计数时间窗（秒）")
    cors_origins: list[str] = Field(
        default_factory=list,
        description='允许跨域访问的来源，如 ["https://zs.example.gov.cn"]；默认不允许 / CORS',
    )

    matcher_recheck_seconds: float = Field(
        default=2.0,
        ge=0,
        description="目标企业评分缓存最多每隔几秒核对一次数据是否变化（本进程的写请求会立即"
        "触发核对；0 为每次核对）/ how often the matcher cache rechecks the data",
    )
    energy_intensity_cap: float | None = Field(
        default=0.8,
        gt=0,
        description="本地新上项目能耗强度上限（吨标准煤/万元）；超过即扣分 / energy-intensity cap",
    )
    restricted_industries: list[str] = Field(
        default_factory=lambda: [
            "C2521",
            "C3120",
            "C3216",
            "C3011",
            "C3041",
            "电解铝",
            "水泥熟料",
        ],
        description="限制类产业：国民经济行业代码前缀（如 C3216）或名称（与企业名称、主营产品"
        "模糊比对）/ restricted industries: code prefixes or names",
    )

    @property
    def jurisdiction(self) -> Jurisdiction:
        return Jurisdiction(
            province=self.jurisdiction_province,
            city=self.jurisdiction_city,
            district=self.jurisdiction_district,
        )

    @property
    def thresholds(self) -> StatusThresholds:
        return StatusThresholds(
            strong_min_count=self.status_strong_min_count,
            strong_min_strength=self.status_strong_min_strength,
            min_confidence=self.status_min_confidence,
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings()
