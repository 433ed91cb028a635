"""The import contracts of pyproject.toml ([tool.importlinter]), checked by import-linter on every test run.

They say which app may import which (drawn in docs/architecture.md). A broken contract fails with
import-linter's report: the importing and imported module and the line.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from importlinter import api
from importlinter.application.use_cases import lint_imports

ROOT = Path(__file__).resolve().parents[3]
# Contracts about a package that a branch in flight adds; import-linter's forbidden contracts cannot name a module
# that does not exist (its layers can: the layer is marked optional), so these wait for the package.
AWAITING = {"text-without-django": ROOT / "smartstadt" / "text"}


def _contracts() -> list[str]:
    options = api.read_configuration(str(ROOT / "pyproject.toml"))["contracts_options"]
    return [
        contract["id"] for contract in options if contract["id"] not in AWAITING or AWAITING[contract["id"]].is_dir()
    ]


def test_the_apps_import_only_what_the_architecture_allows(capsys: pytest.CaptureFixture[str]) -> None:
    contracts = _contracts()
    assert "layers" in contracts
    kept = lint_imports(
        config_filename=str(ROOT / "pyproject.toml"), limit_to_contracts=tuple(contracts), cache_dir=None, no_logo=True
    )
    report = capsys.readouterr().out
    assert kept, report
