"""`python -m simulator`: start the Daily API simulator.

Prints exactly one line, `simulator listening on http://HOST:PORT`, once it
accepts connections (tests and `make run` wait for it). SIGTERM and SIGINT
stop it cleanly, saving the state first when --state is given.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from simulator.app import Simulator
from simulator.clock import parse_time
from simulator.config import (
    BENCHMARK_SCALE,
    DEFAULT_DOMAINS_TOKEN,
    DEFAULT_REST_TOKEN,
    DEFAULT_ROOMS,
    SimConfig,
)
from simulator.delivery import Dispatcher
from simulator.server import SimServer


def parse_args(argv: list[str] | None = None) -> SimConfig:
    parser = argparse.ArgumentParser(prog="python -m simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument("--seed", default="demo", help="same seed, same world")
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help=f"meeting volume multiplier (1: demo; {BENCHMARK_SCALE}: benchmark size)",
    )
    parser.add_argument("--rooms", type=int, default=DEFAULT_ROOMS, help="rooms per team")
    parser.add_argument("--state", help="load state from this file, save it on shutdown")
    parser.add_argument("--now", help="simulated time at start (ISO 8601 or unix seconds)")
    parser.add_argument("--clock", choices=("real", "frozen"), default="real")
    parser.add_argument("--no-rate-limits", action="store_true")
    parser.add_argument("--domains-token", default=DEFAULT_DOMAINS_TOKEN)
    parser.add_argument("--rest-token", default=DEFAULT_REST_TOKEN)
    parser.add_argument("--webhook-interval", type=float, default=2.0)
    args = parser.parse_args(argv)
    start_now = None
    if args.now is not None:
        start_now = parse_time(args.now)
        if start_now is None:
            parser.error(f"--now: not a time: {args.now!r}")
    if args.rooms < 3:
        parser.error("--rooms must be at least 3")
    if args.scale <= 0 or args.webhook_interval <= 0:
        parser.error("--scale and --webhook-interval must be positive")
    return SimConfig(
        host=args.host,
        port=args.port,
        seed=args.seed,
        scale=args.scale,
        rooms=args.rooms,
        state_path=args.state,
        start_now=start_now,
        frozen=args.clock == "frozen",
        rate_limits=not args.no_rate_limits,
        domains_token=args.domains_token,
        rest_token=args.rest_token,
        webhook_interval=args.webhook_interval,
    )


def main(argv: list[str] | None = None) -> int:
    cfg = parse_args(argv)
    sim = Simulator(cfg)
    server = SimServer((cfg.host, cfg.port), sim)
    dispatcher = Dispatcher(sim)
    sim.dispatcher = dispatcher
    stopping = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    serving = threading.Thread(target=server.serve_forever, name="sim-http", daemon=True)
    serving.start()
    dispatcher.start()
    host, port = server.server_address[:2]
    print(f"simulator listening on http://{host}:{port}", flush=True)
    while not stopping.wait(0.5):
        pass
    dispatcher.stop()
    server.shutdown()
    server.server_close()
    if cfg.state_path:
        sim.save()
    return 0


if __name__ == "__main__":
    sys.exit(main())
