"""pyx12, the independent X12 validator, run in-process on the files the tests write.

pyx12's ``x12valid`` command prints ``FILE: OK`` and still exits 1, so the exit code
says nothing: this reads its API's answer, the errors it logs, its JSON error report
and the 999 acknowledgment it builds (which must accept the interchange).
"""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import pyx12.params
import pyx12.x12n_document

_PARAM = pyx12.params.params()


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.levelname}: {record.getMessage()}")


def _json_errors(node: Any, out: list[str]) -> None:
    if isinstance(node, dict):
        for err in node.get("errors", ()) or ():
            out.append(f"json: {err}")
        for value in node.values():
            if isinstance(value, (list, dict)):
                _json_errors(value, out)
    elif isinstance(node, list):
        for item in node:
            _json_errors(item, out)


def pyx12_problems(text: str) -> list[str]:
    """Every problem pyx12 reports about an X12 file; [] when it accepts it."""
    logger = logging.getLogger("pyx12")
    handler = _Collect()
    logger.addHandler(handler)
    fd_997, fd_json = io.StringIO(), io.StringIO()
    try:
        ok = pyx12.x12n_document.x12n_document(
            param=_PARAM, src_file=io.StringIO(text), fd_997=fd_997, fd_html=None,
            fd_xmldoc=None, fd_json=fd_json)
    finally:
        logger.removeHandler(handler)
    problems = list(handler.messages)
    _json_errors(json.loads(fd_json.getvalue() or "{}"), problems)
    ack = fd_997.getvalue()
    if not ok:
        problems.append("x12n_document: not valid")
    if "AK9*A*" not in ack or "IK5*R" in ack or "IK5*E" in ack:
        problems.append(f"999 does not accept it: {ack}")
    return problems
