"""The README's table of environment variables names every variable the settings read."""

import re

from django.conf import settings

# dj_database_url.config() reads DATABASE_URL without naming it in settings.py.
READ_INDIRECTLY = {"dj_database_url.config(": "DATABASE_URL"}


def variables_read_by_settings(source):
    names = set(
        re.findall(
            r"""(?:os\.environ\.get|os\.environ\[|os\.getenv|env_bool|env_list)\(?\s*["']([A-Z0-9_]+)["']""", source
        )
    )
    names |= {name for call, name in READ_INDIRECTLY.items() if call in source}
    return names


def variables_in_readme_table(readme):
    section = readme.split("## Environment variables", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([A-Z0-9_]+)`", row.split("|")[1])}


def test_every_variable_the_settings_read_is_in_the_readme():
    source = (settings.BASE_DIR / "dscb" / "settings.py").read_text(encoding="utf-8")
    read = variables_read_by_settings(source)
    assert {"SECRET_KEY", "DEBUG", "SECURE_HSTS_PRELOAD", "DATABASE_URL", "AXES_COOLOFF_MINUTES"} <= read
    missing = read - variables_in_readme_table((settings.BASE_DIR / "README.md").read_text(encoding="utf-8"))
    assert not missing, f"README.md's environment table lacks {sorted(missing)}"


def test_the_check_finds_a_variable_missing_from_the_table():
    source = 'X = env_bool("NEW_SWITCH", True)\nY = os.environ.get("BOARD_NAME", "")\n'
    readme = "## Environment variables\n\n| variable | default | meaning |\n|---|---|---|\n| `BOARD_NAME` | x | y |\n"
    assert variables_read_by_settings(source) - variables_in_readme_table(readme) == {"NEW_SWITCH"}


def test_the_readme_says_how_to_serve_on_another_port_as_the_makefile_reads_it():
    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    makefile = (settings.BASE_DIR / "Makefile").read_text(encoding="utf-8")
    assert "`make run PORT=8001`" in readme
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    # `make run` starts the server (and a worker) with scripts/run-dev.sh, which passes the address to runserver.
    script = (settings.BASE_DIR / "scripts" / "run-dev.sh").read_text(encoding="utf-8")
    assert "PORT ?= 8000" in makefile and "scripts/run-dev.sh $(HOST):$(PORT)" in run
    assert "ADDRESS=${1:-127.0.0.1:8000}" in script and 'manage.py runserver "$ADDRESS"' in script
