"""The README's notebook example runs as pasted and prints what the README says."""

from __future__ import annotations

import contextlib
import io
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _blocks() -> tuple[str, str]:
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"<!-- notebook example[^>]*-->\n```python\n(.*?)```\n\nIt prints:\n\n```text\n(.*?)```",
                  text, re.S)
    assert m, "the README's notebook example is missing"
    return m.group(1), m.group(2)


def test_readme_notebook_example(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    code, printed = _blocks()
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    namespace: dict[str, object] = {}
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), namespace)
    assert out.getvalue().split() == printed.split()
    assert (tmp_path / "usage_by_chapter.png").read_bytes()[:4] == b"\x89PNG"
    # the statuses are what the code system itself says for each date of service
    from codekit import icd10cm

    df = namespace["out"]
    want = [icd10cm.check(c, as_of=d).status.value
            for c, d in zip(df["dx"], df["date_of_service"], strict=True)]  # type: ignore[index]
    assert list(df["dx_status"]) == want  # type: ignore[index]
