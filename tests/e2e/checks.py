"""What the browser tests check: accessibility with axe-core, HTML with the Nu HTML Checker; and signing in."""

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

E2E_DIR = Path(__file__).resolve().parent
REPO_DIR = E2E_DIR.parent.parent
AXE_SCRIPT = E2E_DIR / "vendor" / "axe.min.js"
VNU_JAR = REPO_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
TEST_RESULTS = REPO_DIR / "test-results"

PASSWORD = "demo-password-for-tests"

# WCAG 2.2 AA is what UK public-sector bodies must meet; axe's best practices catch the rest of what it can.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

CHROMIUM_MISSING = "Chromium not found: apt-get install chromium to run the browser tests"
VNU_MISSING = (
    "Nu HTML Checker not runnable: needs java (apt-get install default-jre-headless) and "
    "node_modules/vnu-jar (npm ci --ignore-scripts)"
)


def in_ci():
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def missing_tool(message):
    """Skip the test, or fail it on CI, where a missing tool must never pass unnoticed."""
    if in_ci():
        pytest.fail(f"{message} (CI is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(message)


def find_chromium():
    """Debian's Chromium: $CHROMIUM_PATH, else /usr/bin/chromium, else chromium on the PATH."""
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def vnu_command():
    """The command that runs the Nu HTML Checker; skips (fails on CI) when java or the jar is missing."""
    java = shutil.which("java")
    if java is None or not VNU_JAR.is_file():
        missing_tool(VNU_MISSING)
    return [java, "-Xss8m", "-jar", str(VNU_JAR), "--errors-only", "--format", "json"]


def sign_in(page, base_url, username, password=PASSWORD):
    """Sign in through the sign-in form, as a person does."""
    if "/accounts/login/" not in page.url:
        page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    # Wait for the answer to the form, so that the next goto cannot cut the sign-in short.
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def assert_no_axe_violations(page):
    """Run axe-core on the page as it is now and fail with each violation, where it is and how to fix it.

    A test that has just followed a link waits for the new page first (``expect_navigation``); axe run on a page
    that is being replaced finds no document.
    """
    page.wait_for_load_state("load")
    # evaluate() runs outside the page's Content-Security-Policy, which a <script> tag would not.
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    violations = results["violations"]
    if violations:
        pytest.fail(f"axe-core found violations on {page.url}:\n" + format_axe_violations(violations), pytrace=False)


def format_axe_violations(violations):
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}  <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            target = " ".join(" >> ".join(part) if isinstance(part, list) else part for part in node["target"])
            lines.append(f"    at {target}")
            summary = node.get("failureSummary")
            if summary:
                lines.extend(f"      {line.strip()}" for line in summary.splitlines() if line.strip())
    return "\n".join(lines)


def assert_valid_html(documents):
    """Check HTML documents with the Nu HTML Checker in one run (Java is slow to start); maps a name to its HTML."""
    if isinstance(documents, str):
        documents = {"page": documents}
    command = vnu_command()
    with tempfile.TemporaryDirectory(prefix="vnu-") as folder:
        files = {}
        for index, (name, html) in enumerate(documents.items(), start=1):
            path = Path(folder) / f"page-{index:02d}.html"
            path.write_text(html, encoding="utf-8")
            files[path.name] = (name, html.splitlines())
        completed = subprocess.run(
            [*command, *(str(Path(folder) / file_name) for file_name in files)],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    errors = [m for m in _vnu_messages(completed) if m.get("type") in {"error", "non-document-error"}]
    if errors:
        pytest.fail("The Nu HTML Checker found errors:\n" + _format_vnu_errors(errors, files), pytrace=False)


def _vnu_messages(completed):
    # vnu writes its JSON report to stderr; anything else (a Java crash, say) is shown as it is.
    for stream in (completed.stderr, completed.stdout):
        text = stream.strip()
        if text.startswith("{"):
            return json.loads(text)["messages"]
    if completed.returncode == 0:
        return []
    pytest.fail(f"The Nu HTML Checker did not run (exit {completed.returncode}):\n{completed.stderr}", pytrace=False)


def _format_vnu_errors(errors, files):
    lines = []
    for error in errors:
        url = error.get("url", "")
        name, source = files.get(url.rsplit("/", 1)[-1], (url or "(no document)", []))
        line = error.get("lastLine") or error.get("firstLine")
        lines.append(f"- {name}, line {line}: {error.get('message')}")
        excerpt = error.get("extract") or (source[line - 1] if line and 0 < line <= len(source) else "")
        if excerpt.strip():
            lines.append(f"    {excerpt.strip()[:200]}")
    return "\n".join(lines)
