"""The production settings pass Django's deployment checks, and refuse to start without a secret key."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ENCOURS_", "DJANGO_"))}
    clean.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True,
                          env=clean, timeout=120)


def test_check_deploy_is_clean_for_the_production_settings(tmp_path):
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        ENCOURS_SECRET_KEY="production-like-" + "q8Zr3mV1xT7bN4kW9pL2sD6fH0jC5gY" * 2,
        ENCOURS_ALLOWED_HOSTS="encours.example.fr", ENCOURS_DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    result = run_manage("check", ENCOURS_DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert result.returncode != 0
    assert "ENCOURS_SECRET_KEY" in result.stderr


def test_a_bad_database_url_is_refused_with_a_clear_message():
    result = run_manage("check", ENCOURS_SECRET_KEY="x" * 60, ENCOURS_DATABASE_URL="mysql://nope")
    assert result.returncode != 0
    assert "ENCOURS_DATABASE_URL" in result.stderr
