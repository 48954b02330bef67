"""`reformsim app`: serve the page (sim/app/page.py) with Solara's server.

Checks what a user can get wrong (the port, the results folder, solara not installed) before
starting, each as one line and exit code 2 (sim/cli.py); then the process becomes the Solara
server, so stopping it (Ctrl-C, or `kill` of its process id) stops the page.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path

from sim.config import ScenarioError

MODULE = "sim.app.page"


def add_parser(sub) -> None:
    a = sub.add_parser("app", help="serve the web page: choose a reform, run it, read the "
                       "answer (needs the `app` extra: pip install -e '.[app]')")
    a.add_argument("--port", type=_port, default=8765, help="port (default 8765; 0: any free)")
    a.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this machine only)")
    a.add_argument("--out", default="results/app",
                   help="where the page's runs go (default results/app/); batches under its "
                   "parent folder can be opened from the page")
    a.add_argument("--open", action="store_true", help="open a browser on the page")
    a.set_defaults(func=cmd_app)


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is out of range; allowed 0 to 65535")
    return value


def cmd_app(args) -> int:
    from sim import store

    if importlib.util.find_spec("solara") is None:
        raise ScenarioError("app", "", "the page needs solara: pip install -e '.[app]' "
                            "(make app does)")
    store.check_writable(args.out)
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "REFORMSIM_APP_OUT": str(out)}
    argv = [sys.executable, "-m", "solara", "run", MODULE, "--port", str(args.port),
            "--host", args.host, "--production", "--open" if args.open else "--no-open"]
    print(f"serving the page on http://{args.host}:{args.port} (Ctrl-C stops it); runs go to "
          f"{out}", flush=True)
    os.execve(sys.executable, argv, env)
    return 0  # not reached: the process is now the server
