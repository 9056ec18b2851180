"""GET /chains/{id}/targets on the demo city, through the real app on a temporary SQLite file.

The spine names no figure; this is the baseline the full matcher (vectorised scoring) is
measured against.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from bench.common import bench_api_key, machine, summary, timings
from chainmap import services
from chainmap.chains import load_chain_library
from chainmap.demo import generate_demo_enterprises
from chainmap.settings import PROJECT_ROOT, Settings
from chainmap.store import db


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        settings = Settings(database_url=url, chains_dir=PROJECT_ROOT / "data" / "industry_chains")
        db.upgrade(url)
        library = load_chain_library(settings.chains_dir)
        engine = db.make_engine(url)
        with db.session_scope(db.make_session_factory(engine)) as session:
            enterprises = generate_demo_enterprises(library, settings.jurisdiction)
            services.add_enterprises(session, library, settings, enterprises)
            key = bench_api_key(session)
        engine.dispose()
        print(f"machine: {machine()}; {len(enterprises)} demo enterprises")
        with TestClient(create_app(settings), headers={"X-API-Key": key}) as client:
            for chain_id in ("nev-battery", "biomedicine"):
                samples = timings(
                    lambda c=chain_id: client.get(f"/chains/{c}/targets", params={"limit": 50}),
                    runs=50,
                )
                print(f"GET /chains/{chain_id}/targets?limit=50  {summary(samples)}")
