"""The package's layout holds: subpackages named after jobs, each importing only the parts
before it, no module past 500 lines, and every ``cpo_kit.`` name the docs cite exists."""
from __future__ import annotations

import ast
import fnmatch
import importlib
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "cpo_kit"

#: Each part and the parts it may import, as the README's layout table says.
MAY_IMPORT = {
    "core": set(),
    "metrics": {"core"},
    "inputs": {"core", "metrics"},
    "analyses": {"core", "metrics", "inputs"},
    "plots": {"core"},
    "readings": {"core", "metrics"},
    "reports": {"core", "metrics", "readings"},
    "running": {"core", "metrics", "inputs", "analyses", "reports"},
    "site": {"core", "metrics", "inputs", "running", "cli"},
    "sample": set(),
    "cli": {"core", "inputs", "reports", "running", "site", "sample"},
    "__init__": {"core", "inputs"},
}
LONGEST = 500


def _modules():
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _part(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else path.stem


def _imported_parts(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("cpo_kit"):
            names = ([f"cpo_kit.{a.name}" for a in node.names] if node.module == "cpo_kit"
                     else [node.module])
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names if a.name.startswith("cpo_kit")]
        else:
            continue
        found |= {name.split(".")[1] for name in names if "." in name}
    return found


def test_the_top_level_holds_only_subpackages_and_the_command():
    top = sorted(p.name for p in PACKAGE.iterdir() if p.name != "__pycache__")
    assert top == ["__init__.py", "analyses", "cli.py", "core", "inputs", "metrics", "plots",
                   "readings", "reports", "running", "sample", "site"]


def test_every_subpackage_says_what_it_holds():
    for folder in sorted(p for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"):
        if not (folder / "__init__.py").is_file():
            continue  # a folder of templates or static files, not Python
        doc = ast.get_docstring(ast.parse((folder / "__init__.py").read_text(encoding="utf-8")))
        assert doc and len(doc) > 80, f"{folder.name}/__init__.py has no docstring of its job"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_longer_than_500_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= LONGEST, f"{path.relative_to(ROOT)} has {lines} lines"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_each_part_imports_only_the_parts_before_it(path):
    part = _part(path)
    outside = _imported_parts(path) - MAY_IMPORT[part] - {part}
    assert not outside, f"{path.relative_to(ROOT)} ({part}) imports {sorted(outside)}"


def test_the_sample_generator_stands_alone():
    # A bug in the metrics must not be able to change the committed sample.
    found = set().union(*(_imported_parts(p) for p in (PACKAGE / "sample").rglob("*.py")))
    assert found <= {"sample"}


def _cited_names() -> list[tuple[str, str]]:
    files = subprocess.run(["git", "ls-files", "README.md", "bench", "book", "notebooks",
                            "cpo_kit", "tests"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split()
    cited = set()
    for name in files:
        if not name.endswith((".py", ".md")):
            continue
        text = (ROOT / name).read_text(encoding="utf-8")
        for match in re.finditer(r"(?<![\w/])cpo_kit(?:\.\w+)+", text):
            cited.add((match.group(0).rstrip("."), name))
    return sorted(cited)


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            thing = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            if attribute in getattr(thing, "__dataclass_fields__", {}):
                return True  # a field without a default is no class attribute
            if not hasattr(thing, attribute):
                return False
            thing = getattr(thing, attribute)
        return True
    return False


def test_every_cited_name_exists():
    # Docs and docstrings that name a module or function the code no longer has mislead a
    # newcomer more than no doc at all.
    missing = [f"{name} (in {where})" for name, where in _cited_names() if not _resolves(name)]
    assert not missing, "names that do not exist: " + "; ".join(missing)


#: Tests that drive the ``cpo-kit`` command as a user does, so that what they test shows in
#: the command's behaviour rather than in their imports: the folder of the part they test.
DRIVE_THE_COMMAND = {"inputs/test_corpus.py": "cpo-kit validate on the bad-input corpus",
                     "inputs/test_import_*.py": "cpo-kit import on each tool's export",
                     "running/test_faults.py": "cpo-kit run on broken file systems",
                     "running/test_params_checked.py": "cpo-kit validate and run on bad params",
                     "site/test_book_tidewell.py": "cpo-kit publish of Tidewell's run"}


def test_the_tests_mirror_the_package():
    # tests/<part>/ holds the tests of cpo_kit/<part>/: each of them exercises that part.
    tests = ROOT / "tests"
    folders = sorted(p.name for p in tests.iterdir() if p.is_dir()
                     and p.name not in ("__pycache__", "expected"))
    assert folders == ["analyses", "core", "inputs", "metrics", "plots", "readings", "reports",
                       "running", "sample", "site"]
    strays = [f"{path.relative_to(tests)} (imports {sorted(_imported_parts(path))})"
              for folder in folders for path in sorted((tests / folder).glob("test_*.py"))
              if folder not in _imported_parts(path)
              and not any(fnmatch.fnmatch(str(path.relative_to(tests)), pattern)
                          for pattern in DRIVE_THE_COMMAND)]
    assert not strays, "tests outside their part's folder: " + "; ".join(strays)


def test_the_benchmarks_import_nothing_from_the_tests():
    for path in sorted((ROOT / "bench").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("tests"), f"{path.name} imports {node.module}"
