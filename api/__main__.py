"""``python -m api``: check the database and chain files, then serve with uvicorn."""

from __future__ import annotations

import argparse
import sys

import uvicorn

from chainmap.chains import load_chain_library
from chainmap.errors import ChainmapError
from chainmap.settings import get_settings
from chainmap.store.db import ensure_migrated, make_engine


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api", description="chainmap HTTP service")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        ensure_migrated(engine)
        load_chain_library(settings.chains_dir)
    except ChainmapError as exc:
        print(f"错误：{exc.message_zh}\nerror: {exc.message_en}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    uvicorn.run(
        "api.app:create_app", factory=True, host=args.host, port=args.port, workers=args.workers
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
