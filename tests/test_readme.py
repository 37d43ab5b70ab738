"""The README's quickstart is what CI runs: the two must not drift apart."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def quickstart_commands() -> list[str]:
    """The README's shell commands: the lines of its ```bash blocks."""
    lines, inside = [], False
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            inside = line == "```bash"
        elif inside and line.strip():
            lines.append(line.strip())
    return lines


def test_the_quickstart_is_two_one_line_commands() -> None:
    commands = quickstart_commands()
    assert len(commands) == 2, commands
    assert commands[0].startswith('pip install -e ".[docs]" && mkdocs serve')
    assert commands[1].startswith('pip install -e ".[test]" && ')


def test_ci_runs_the_readmes_test_command() -> None:
    ci = (ROOT / ".ci/run").read_text(encoding="utf-8").splitlines()
    assert quickstart_commands()[1] in ci
