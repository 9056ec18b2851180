"""Helpers shared by benchmarks: timing summaries and the machine description."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from sqlalchemy.orm import Session


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def timings(fn: Callable[[], object], *, runs: int, warmup: int = 2) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return (
        f"n={len(samples)} p50={statistics.median(ordered) * 1000:.1f} ms "
        f"p95={p95 * 1000:.1f} ms max={ordered[-1] * 1000:.1f} ms"
    )


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(
    base: str, *, seconds: float = 120, proc: subprocess.Popen[bytes] | None = None
) -> None:
    """Wait until ``GET base/health`` answers 200 (a server just started as a subprocess)."""
    import httpx

    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode} before answering")
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{base} did not become healthy within {seconds:.0f} s")


@contextmanager
def serve_api(url: str, *, workers: int = 1, env: Mapping[str, str] | None = None) -> Iterator[str]:
    """``python -m api`` on a free loopback port in its own process(es), as ``make run``
    serves it; yields the base URL once it is healthy and stops it afterwards."""
    from chainmap.settings import PROJECT_ROOT

    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "api",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env={
            **os.environ,
            "CHAINMAP_DATABASE_URL": url,
            "PYTHONPATH": str(PROJECT_ROOT),
            **(env or {}),
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, proc=proc)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def bench_api_key(session: Session, *, role: str = "viewer") -> str:
    """An API key for a fresh ``bench-<role>`` user: benchmarks go through the real
    authentication, without a password hash per request."""
    from chainmap.chains import load_chain_library
    from chainmap.settings import PROJECT_ROOT
    from chainmap.users import create_api_key, create_user

    library = load_chain_library(PROJECT_ROOT / "data" / "industry_chains")
    chains = ["nev-battery"] if role == "chain_leader" else []
    username = f"bench-{role}"
    create_user(
        session, library, username=username, password="bench-Passw0rd", role=role, chains=chains
    )
    key, _ = create_api_key(session, username=username, name="benchmark")
    return key
