"""Which browser the journeys launch (tests/e2e/conftest.py, decision 0120): Debian's
headless shell of Chromium where it is installed, else Debian's Chromium; the variable
TESSERA_CHROMIUM names another."""

from tests.e2e import conftest as e2e


def _installed(path):
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def test_the_journeys_launch_the_headless_shell_where_it_is_installed(tmp_path, monkeypatch):
    shell, full = tmp_path / "chromium-headless-shell", _installed(tmp_path / "chromium")
    monkeypatch.setattr(e2e, "CHROMIUMS", (shell, full))
    assert e2e.installed_chromium() == full
    _installed(shell)
    assert e2e.installed_chromium() == shell
    assert e2e.installed_chromium(str(tmp_path / "another")) == tmp_path / "another"


def test_without_a_browser_the_journeys_name_debians_chromium_as_missing(tmp_path, monkeypatch):
    monkeypatch.setattr(e2e, "CHROMIUMS", (tmp_path / "shell", tmp_path / "chromium"))
    assert e2e.installed_chromium() == tmp_path / "chromium"
