"""Shared fixtures: the committed sample, small hand-made tables and a CLI runner."""
from __future__ import annotations

import contextlib
import functools
import http.server
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml

# The plain-pandas implementation the benchmarks race is also the tests' second opinion on
# the events metrics; it lives with the benchmarks, which import nothing from the tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from cpo_kit.cli import main
from cpo_kit.inputs.contract import TABLES
from cpo_kit.inputs.params_file import load_params
from cpo_kit.running.notebooks import NOTEBOOKS
from cpo_kit.running.parameters import resolve_parameters

from run_notebook import execute_notebook

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
NOTEBOOK_DIR = ROOT / "notebooks"
CPO_KIT = [sys.executable, "-m", "cpo_kit.cli"]
#: A company name that would run a script, or break a table, if shown as markup.
HOSTILE_COMPANY = "Acme <script>alert('pwned')</script> & `Co` | *Analytics*"


def cpo_kit(*args, **options) -> subprocess.CompletedProcess:
    """Run ``cpo-kit`` as a user would, in a process of its own, from the project's root."""
    return subprocess.run([*CPO_KIT, *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, **options)


def pytest_addoption(parser):
    parser.addoption("--refresh-headlines", action="store_true",
                     help="store each notebook's headline numbers in tests/expected/ "
                          "(after a deliberate change to a metric or to the sample)")


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE


#: The last line of ``cpo-kit import``'s summary when it wrote events.
FUNNEL_HINT = ("Before the first run, name the activation funnel's steps among your events in "
               "the params file: notebooks: {product_kpis: {funnel_steps: [...]}}.")

#: The sample company's targets, as its params file sets them.
SAMPLE_TARGETS = yaml.safe_load((ROOT / "data" / "brightlane.yml").read_text())["targets"]


@pytest.fixture(autouse=True)
def sample_currency():
    """Amounts are written in dollars, the sample company's currency, unless a test says otherwise."""
    from cpo_kit.core import formats

    with formats.using(currency="USD"):
        yield


#: The two sample companies: their data folder and params file.
COMPANIES = {"brightlane": (SAMPLE, ROOT / "data" / "brightlane.yml"),
             "tidewell": (ROOT / "data" / "tidewell", ROOT / "data" / "tidewell.yml")}


def company_parameters(company: str, notebook: str) -> dict:
    """A notebook's parameters from a sample company's params file, as cpo-kit run gives them."""
    params = load_params(COMPANIES[company][1])
    return resolve_parameters(params, [], [notebook])[notebook]


@pytest.fixture(scope="session")
def run_notebook(tmp_path_factory, request):
    """Execute a notebook of ``notebooks/`` on a sample company, once per session and company.

    ``run_notebook(name, tables=None, company="brightlane")`` returns the folder holding
    ``<name>.ipynb`` and its ``<name>_results/``. The notebook gets the company's params
    file's parameters. With ``tables``, it sees only those tables of the company (linked
    into a folder of their own).
    """
    done: dict[tuple, Path] = {}

    def run(name: str, tables: tuple[str, ...] | None = None,
            company: str = "brightlane") -> Path:
        key = (name, tuple(sorted(tables)) if tables is not None else None, company)
        if key not in done:
            assert name in NOTEBOOKS, f"{name} is not a registered notebook"
            out = tmp_path_factory.mktemp(f"nb-{company}-{name}")
            data = COMPANIES[company][0]
            if tables is not None:
                data = out / "data"
                data.mkdir()
                for path in COMPANIES[company][0].iterdir():
                    if path.stem in tables:
                        (data / path.name).symlink_to(path)
            parameters = {**company_parameters(company, name), "data_dir": str(data),
                          "results_dir": str(out)}
            if NOTEBOOKS[name].reads_run:
                # It reads what the other notebooks of a run left: the company's run.
                runs, _ = request.getfixturevalue(
                    "sample_run" if company == "brightlane" else "tidewell_run")
                parameters["results_from"] = str((runs / "latest").resolve())
            execute_notebook(NOTEBOOK_DIR / f"{name}.md", out / f"{name}.ipynb",
                             parameters=parameters, cwd=NOTEBOOK_DIR)
            done[key] = out
        return done[key]
    return run


@pytest.fixture(scope="session")
def tidewell_run(tmp_path_factory):
    """One ``cpo-kit run`` of every notebook on Tidewell, with its own params file."""
    out = tmp_path_factory.mktemp("tidewell-runs")
    data, params = COMPANIES["tidewell"]
    return out, cpo_kit("run", data, "--out", out, "--jobs", 2, "--params", params)


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory, sample_dir):
    """One ``cpo-kit run`` of every notebook on the sample company, two at a time.

    Returns the folder of runs and the finished process. The run uses a params
    file and an override, so the run's pages and manifest have something to show,
    and a company name full of markup, which every output must show as text.
    """
    out = tmp_path_factory.mktemp("runs")
    params = out.parent / "acme.yml"
    # The sample's own params file, under a company name full of markup.
    params.write_text(yaml.safe_dump({**load_params(COMPANIES["brightlane"][1]),
                                      "company_name": HOSTILE_COMPANY}))
    result = cpo_kit("run", sample_dir, "--out", out, "--jobs", 2, "--params", params,
                     "-p", "product_kpis.unusual_window=6")
    return out, result


#: The tables the sample has beside events: the "small tables".
SMALL_TABLES = tuple(name for name, table in TABLES.items() if not table.large)


@pytest.fixture
def cli(capsys):
    """Run ``cpo-kit`` in-process; returns (exit status, stdout, stderr)."""
    def run(*args: str):
        code = main([str(a) for a in args])
        out = capsys.readouterr()
        return code, out.out, out.err
    return run


@pytest.fixture
def company_dir(tmp_path) -> Path:
    """A small valid company, written by hand: three accounts, four users, a few events."""
    files = {
        "accounts.csv": """account_id,name,segment,signup_date,churn_date
A1,Acme,SMB,2026-01-05,
A2,Birch & Co,Enterprise,2026-02-10,
A3,Cobalt,Mid-Market,2026-03-01,2026-09-15
""",
        "users.csv": """user_id,account_id,signup_at
u1,A1,2026-01-05 09:00:00
u2,A1,2026-01-06 10:30:00
u3,A2,2026-02-10 08:00:00
u4,A3,2026-03-01 12:00:00
""",
        "events.csv": """user_id,timestamp,event,feature,platform,session_id
u1,2026-09-02 09:00:00,login,,web,s1
u1,2026-09-02 09:01:00,create_report,reports,web,s1
u2,2026-09-20 10:00:00,login,,ios,s2
u1,2026-10-01 09:00:00,login,,web,s3
u3,2026-10-15 11:00:00,login,,web,s4
u3,2026-10-15 11:05:00,share_report,reports,web,s4
u4,2026-10-31 23:59:59,login,,android,s5
""",
        "products.csv": """product_id,name,launch_date,stage,gross_margin
P1,Core,2020-01-01,maturity,0.8
""",
        "mrr.csv": """account_id,product_id,month,mrr
A1,P1,2026-09-01,100
A2,P1,2026-09-01,1000
A3,P1,2026-09-01,400
A1,P1,2026-10-01,120
A2,P1,2026-10-01,1000
""",
        "surveys.csv": """response_id,survey,submitted_at,user_id,nps,csat
r1,nps,2026-10-02 10:00:00,u1,10,
r2,nps,2026-10-03 10:00:00,u2,9,
r3,nps,2026-10-04 10:00:00,u3,7,
r4,nps,2026-09-04 10:00:00,u4,3,
r5,csat,2026-10-05 10:00:00,u1,,5
""",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


# --- A real browser, for the published book ----------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
#: As root and on a closed network, Chromium needs these to start quietly.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright; where it is missing the test fails, never skips."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package "
                    "(.ci/run does) to test the book in a real browser")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page whose ``problems`` collect console errors, failed loads and HTTP errors."""
    context = browser.new_context()
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    # The browser asks for the favicon after the load event; going on to the next page
    # aborts that request, which is no fault of the page (a missing icon is a 404 below).
    page.on("requestfailed", lambda r: r.url.endswith("favicon.svg")
            and r.failure == "net::ERR_ABORTED" or page.problems.append(f"failed: {r.url}"))
    page.on("response", lambda r: r.status >= 400 and page.problems.append(
        f"{r.status}: {r.url}"))
    yield page
    context.close()


@contextlib.contextmanager
def serve(folder: Path):
    """Serve ``folder`` over HTTP on localhost; yields the address."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format, *args):
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()


def toc_pages() -> list[str]:
    """Every page of the book's table of contents, as its path in the site."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries):
        for entry in entries:
            files.append(entry["file"])
            walk(entry.get("sections", []))

    for part in toc["parts"]:
        walk(part["chapters"])
    return [f"{f}.html" for f in files]
