"""The README's API script, run as it is against a live server with the demo
accounts: from the citizen's application to the hand-over and the report."""

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from dossiers.models import Dossier

README = Path(__file__).resolve().parent.parent / "README.md"


def walkthrough() -> str:
    text = README.read_text()
    found = re.search(r"<!-- api-walkthrough:start -->\n```python\n(.*?)```\n<!-- api-walkthrough:end -->", text, re.S)
    assert found, "the README has lost its API walkthrough"
    return found.group(1)


@pytest.mark.django_db(transaction=True)
def test_the_readme_script_takes_a_dossier_to_its_result(live_server, tmp_path):
    call_command("demo", dossiers=0, stdout=io.StringIO())
    script = tmp_path / "walkthrough.py"
    script.write_text(walkthrough())
    run = subprocess.run(
        [sys.executable, str(script)],
        env={**os.environ, "PORTAL": live_server.url},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    dossier = Dossier.objects.get(channel="online", state="returned")
    assert f"submitted {dossier.code} submitted" in run.stdout
    assert "return → returned" in run.stdout and "tracked:" in run.stdout
    assert re.search(r"(Total|Tổng số)\s+received\s+1\s+finished\s+1\s+on time 100.0 %", run.stdout), run.stdout
