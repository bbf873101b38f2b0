"""`thidua serve`: the app under uvicorn (pure Python: no compiler needed on an office PC)."""

from __future__ import annotations

import errno
import logging


def serve(host: str = "127.0.0.1", port: int = 8765, *, open_browser: bool = False) -> None:
    """Serve until interrupted. On localhost (the default) only this computer's own names are
    answered; another `--host` answers any name (the office's network: its own choice)."""
    import socket

    import uvicorn

    from engine.common.errors import Problem, UsageError
    from engine.common.message import Msg
    from engine.web.app import create_app

    try:  # a port already taken is the user's to change: one line, exit 2 (uvicorn would log and exit 1)
        with socket.create_server((host, port)):
            pass
    except OSError as e:
        from engine.render.output import os_reason

        reason = Msg("problem.web_port_taken") if e.errno == errno.EADDRINUSE else os_reason(e)
        raise UsageError(
            Problem(
                "--port",
                Msg("problem.web_cannot_listen", host=host, port=str(port), reason=reason),
                hint=Msg("problem.web_cannot_listen_hint"),
            )
        ) from None

    import gc

    # the CLI pauses the cyclic collector for a command's run (engine.common.speed): a one-shot
    # command ends before its garbage matters, a server never does — each request's cycles (its
    # campaign, its parse trees) would stay for ever (the soak: +35 KB a request, bench/SOAK.md)
    gc.enable()
    local = host in ("127.0.0.1", "localhost", "::1")
    app = create_app(None if local else ["*"])
    logging.basicConfig(level=logging.INFO, format="thidua serve: %(message)s")
    if open_browser:
        import threading
        import webbrowser

        threading.Timer(1.0, webbrowser.open, [f"http://{'localhost' if local else host}:{port}/"]).start()
    # uvicorn's own start-up lines (English) are not shown: the CLI has printed the address to open
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False, access_log=False)
