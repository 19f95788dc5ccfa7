"""Fallback load generator for when wrk is not installed: keep-alive ``http.client`` connections in threads.

Run by bench_http.py in its own process, so its CPU use does not count as the server's. It does what
``wrk_request.lua`` does (same arguments, same ``BENCH_JSON`` line), but the GIL caps it at roughly one
core, so on a fast endpoint it measures itself as much as the server: figures from it are marked.

    python bench/loadgen.py --port 8000 --method GET --path /healthz --connections 16 --duration 10
"""

import argparse
import http.client
import json
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Tally:
    """What one connection saw."""

    latencies: list[float] = field(default_factory=list)
    status_errors: int = 0
    socket_errors: int = 0


@dataclass
class Shape:
    """One request shape: like wrk_request.lua's arguments."""

    method: str
    path: str
    body_template: str
    run_label: str
    close: bool
    tokens: list[str]


def _request_parts(shape: Shape, connection_number: int, counter: int) -> tuple[dict[str, str], bytes | None]:
    headers: dict[str, str] = {"Connection": "close"} if shape.close else {}
    if shape.tokens:
        headers["Authorization"] = f"Bearer {shape.tokens[counter % len(shape.tokens)]}"
    if not shape.body_template:
        return headers, None
    key = f"bench-{shape.run_label}-{connection_number}-{counter}"
    headers["Content-Type"] = "application/json"
    return headers, shape.body_template.replace("{key}", key).encode()


def _drive(port: int, shape: Shape, connection_number: int, deadline: float, tally: Tally) -> None:
    """One client connection sending requests back to back until the deadline (http.client reconnects
    by itself after a ``Connection: close`` answer)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    counter = 0
    while time.monotonic() < deadline:
        counter += 1
        headers, body = _request_parts(shape, connection_number, counter)
        started = time.perf_counter()
        try:
            connection.request(shape.method, shape.path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            tally.socket_errors += 1
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            continue
        tally.latencies.append((time.perf_counter() - started) * 1000)
        if response.status >= 400:
            tally.status_errors += 1
    connection.close()


def _percentile(sorted_values: list[float], percent: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, round(percent / 100 * (len(sorted_values) - 1)))
    return sorted_values[index]


def run_load(port: int, shape: Shape, connections: int, duration: float) -> dict[str, float]:
    """Drive the server and sum up like wrk's ``done()``."""
    tallies = [Tally() for _ in range(connections)]
    started = time.monotonic()
    deadline = started + duration
    threads = [
        threading.Thread(target=_drive, args=(port, shape, number, deadline, tally), daemon=True)
        for number, tally in enumerate(tallies, start=1)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=duration + 30)
    elapsed = time.monotonic() - started
    latencies = sorted(value for tally in tallies for value in tally.latencies)
    return {
        "requests": len(latencies),
        "duration_s": elapsed,
        "status_errors": sum(tally.status_errors for tally in tallies),
        "socket_errors": sum(tally.socket_errors for tally in tallies),
        "p50_ms": _percentile(latencies, 50),
        "p95_ms": _percentile(latencies, 95),
        "p99_ms": _percentile(latencies, 99),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--method", default="GET")
    parser.add_argument("--path", default="/healthz")
    parser.add_argument("--body-template", default="")
    parser.add_argument("--run-label", default="load")
    parser.add_argument("--connection", choices=["close", "keep-alive"], default="keep-alive")
    parser.add_argument("--tokens-file", help="One bearer token a line.")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=float, default=10.0)
    args = parser.parse_args()
    tokens: list[str] = []
    if args.tokens_file:
        with open(args.tokens_file, encoding="utf-8") as handle:
            tokens = [line.strip() for line in handle if line.strip()]
    shape = Shape(args.method, args.path, args.body_template, args.run_label, args.connection == "close", tokens)
    print("BENCH_JSON " + json.dumps(run_load(args.port, shape, args.connections, args.duration)), flush=True)


if __name__ == "__main__":
    main()
