"""Every kind of bad company data ends in one clear line naming file, row and column."""
from __future__ import annotations

import openpyxl
import pytest

from cpo_kit.inputs.validate import check_folder


def _replace(path, old, new):
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def _excel(path, rows, sheets=("accounts",)):
    book = openpyxl.Workbook()
    book.active.title = sheets[0]
    for row in rows:
        book.active.append(row)
    for extra in sheets[1:]:
        book.create_sheet(extra)
    book.save(path)


ACCOUNT_ROWS = [["account_id", "name", "segment", "signup_date"],
                ["A1", "Acme", "SMB", "2026-01-05"], ["A2", "Birch & Co", "Enterprise",
                                                      "2026-02-10"],
                ["A3", "Cobalt", "Mid-Market", "2026-03-01"]]


def missing_column(d):
    (d / "accounts.csv").write_text("account_id,name,signup_date\nA1,Acme,2026-01-05\n"
                                    "A2,Birch,2026-02-10\nA3,Cobalt,2026-03-01\n")


def wrong_type(d):
    _replace(d / "mrr.csv", "A2,P1,2026-09-01,1000", "A2,P1,2026-09-01,lots")


def bad_date(d):
    _replace(d / "accounts.csv", "2026-02-10", "2026-02-30")


def empty_file(d):
    (d / "events.csv").write_text("")


def header_only(d):
    (d / "events.csv").write_text("user_id,timestamp,event\n")


def duplicate_key(d):
    _replace(d / "users.csv", "u4,A3", "u1,A3")


def unknown_foreign_key(d):
    _replace(d / "events.csv", "u2,2026-09-20", "u9,2026-09-20")


def negative_mrr(d):
    _replace(d / "mrr.csv", "A1,P1,2026-09-01,100", "A1,P1,2026-09-01,-100")


def latin1(d):
    text = (d / "accounts.csv").read_text().replace("Birch & Co", "Café Birch")
    (d / "accounts.csv").write_bytes(text.encode("latin-1"))


def excel_low_header(d):
    (d / "accounts.csv").unlink()
    _excel(d / "accounts.xlsx", [["Customer list, exported 2026-11-01"], [], *ACCOUNT_ROWS])


def excel_many_sheets(d):
    (d / "accounts.csv").unlink()
    _excel(d / "accounts.xlsx", ACCOUNT_ROWS, sheets=("Sheet1", "Notes"))


def truncated_parquet(d):
    import pandas as pd

    frame = pd.read_csv(d / "events.csv")
    (d / "events.csv").unlink()
    frame.to_parquet(d / "events.parquet")
    data = (d / "events.parquet").read_bytes()
    (d / "events.parquet").write_bytes(data[: len(data) // 2])


def semicolons(d):
    (d / "products.csv").write_text("product_id;name;launch_date;stage;gross_margin\n"
                                    "P1;Core;2020-01-01;maturity;0.8\n")


def not_allowed(d):
    _replace(d / "products.csv", "P1,Core,2020-01-01,maturity", "P1,Core,2020-01-01,mature")


def nps_out_of_range(d):
    _replace(d / "surveys.csv", "r3,nps,2026-10-04 10:00:00,u3,7", "r3,nps,2026-10-04 10:00:00,u3,11")


def churn_before_signup(d):
    _replace(d / "accounts.csv", "2026-03-01,2026-09-15", "2026-03-01,2025-09-15")


def extra_field(d):
    _replace(d / "users.csv", "u3,A2,2026-02-10 08:00:00", "u3,A2,2026-02-10 08:00:00,oops")


def missing_value(d):
    _replace(d / "events.csv", "u3,2026-10-15 11:00:00,login", "u3,2026-10-15 11:00:00,")


def renamed_column(d):
    (d / "mrr.csv").write_text("account_id,product_id,Month,MRR (USD)\nA1,P1,2026-09-01,100\n")


def unnamed_column(d):
    (d / "products.csv").write_text("product_id,,launch_date,stage,gross_margin\n"
                                    "P1,Core,2020-01-01,maturity,0.8\n")


def two_files(d):
    (d / "team.csv").write_text("member_id,role,level,start_date\nM1,cpo,8,2020-01-01\n")
    (d / "Team.xlsx").write_bytes(b"")


CASES = [
    (missing_column, ["accounts.csv:1: segment: missing required column (found columns "
                      "account_id, name, signup_date, expected a column named segment)"]),
    (wrong_type, ["mrr.csv:3: mrr: not a valid number (found 'lots', expected a number)"]),
    (bad_date, ["accounts.csv:3: signup_date: not a valid date (found '2026-02-30', "
                "expected a date such as 2026-01-31)"]),
    (empty_file, ["events.csv: the file is empty (expected a header row and rows of data)"]),
    (header_only, ["events.csv: has a header but no rows (expected at least one row of data)"]),
    (duplicate_key, ["users.csv:5: user_id: duplicate key (found user_id='u1', first on row 2, "
                     "expected each key once)"]),
    (unknown_foreign_key, ["events.csv:4: user_id: unknown users key (found 'u9', expected a "
                           "user_id listed in the users table)"]),
    (negative_mrr, ["mrr.csv:2: mrr: out of range (found '-100', expected 0 or more)"]),
    (latin1, ["accounts.csv:3: the file is not UTF-8 text (found byte 0xe9, expected UTF-8: "
              "save the file as 'CSV UTF-8')"]),
    (excel_low_header, ["accounts.xlsx:3: the header is not on the first row (found column "
                        "names on row 3, expected the header on row 1: delete the rows above "
                        "it)"]),
    (excel_many_sheets, ["accounts.xlsx: the workbook has several sheets and none is named "
                         "after the table (found Sheet1, Notes, expected one sheet, or a sheet "
                         "named accounts)"]),
    (truncated_parquet, ["events.parquet: cannot be read as a Parquet file (found "]),
    (semicolons, ["products.csv:1: the columns are separated by semicolons (found one "
                  "column 'product_id;name;launch_date;stage;gross_margin', expected columns "
                  "separated by commas: save the file as comma-separated CSV)"]),
    (not_allowed, ["products.csv:2: stage: not an allowed value (found 'mature', expected one "
                   "of introduction, growth, maturity, decline, retired)"]),
    (nps_out_of_range, ["surveys.csv:4: nps: out of range (found '11', expected 0 to 10)"]),
    (churn_before_signup, ["accounts.csv:4: churn_date: churned before it signed up (found "
                           "'2025-09-15', expected on or after signup_date '2026-03-01')"]),
    (extra_field, ["users.csv:4: a row has more fields than the header (expected one field per "
                   "column (quote values that contain commas))"]),
    (missing_value, ["events.csv:6: event: missing value (expected a value)"]),
    (renamed_column, ["mrr.csv:1: mrr: missing required column (found columns account_id, "
                      "product_id, month, mrr_(usd), expected a column named mrr; mrr_(usd) "
                      "looks like it: rename it, or map it under columns: in the params file)"]),
    # A column without a name is nobody's other spelling: no hint.
    (unnamed_column, ["products.csv:1: name: missing required column (found columns "
                      "product_id, unnamed_2, launch_date, stage, gross_margin, expected a "
                      "column named name)"]),
    (two_files, ["team.csv: a second file for table team (found Team.xlsx and team.csv, "
                 "expected one file per table)"]),
]


@pytest.mark.parametrize("spoil, expected", CASES, ids=[c[0].__name__ for c in CASES])
def test_bad_input_is_reported_in_one_line(company_dir, cli, spoil, expected):
    spoil(company_dir)
    code, out, err = cli("validate", company_dir)
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    for line in expected:
        assert any(l.startswith(f"{company_dir}/{line}") for l in lines), err
    assert "Traceback" not in err
    assert lines[-1].endswith("nothing was run or written.")


#: The hand-made company's funnel: its events have no signup, the default funnel's first step.
ITS_FUNNEL = ("-p", "funnel_steps=[login, share_report]")


def test_the_hand_made_company_is_valid(company_dir, cli):
    code, out, err = cli("validate", company_dir, *ITS_FUNNEL)
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == f"{company_dir}: 6 of 13 tables present, all valid"
    assert "  events        events.csv                        7  2026-09-02  2026-10-31" in out


def test_problems_of_one_kind_are_capped_and_counted(company_dir):
    rows = "".join(f"u1,not-a-time-{i},login\n" for i in range(25))
    (company_dir / "events.csv").write_text("user_id,timestamp,event\n" + rows)
    problems = [str(p) for p in check_folder(company_dir).problems]
    shown = [p for p in problems if "timestamp: not a valid date and time" in p]
    assert len(shown) == 10
    assert shown[0].startswith(f"{company_dir}/events.csv:2: timestamp:")
    assert f"{company_dir}/events.csv: timestamp: and 15 more rows: not a valid date and time" \
        in problems


def test_invalid_yaml_params(company_dir, tmp_path, cli):
    params = tmp_path / "params.yml"
    params.write_text("company_name: Acme\ncolumns: [unclosed\n")
    code, out, err = cli("validate", company_dir, "--params", params)
    assert code == 2
    assert err.startswith(f"cpo-kit: {params}:3: not valid YAML: ")
    assert "Traceback" not in err


def test_params_that_are_not_a_mapping(company_dir, tmp_path, cli):
    params = tmp_path / "params.yml"
    params.write_text("- a\n- b\n")
    code, _, err = cli("validate", company_dir, "--params", params)
    assert code == 2
    assert err == f"cpo-kit: {params}: expected a mapping of names to values, found a list\n"


#: A params file's own lines, and the one line each is refused with (after "cpo-kit: FILE: ").
PARAMS_CASES = [
    ("period_end: 05/10/2026", "period_end: '05/10/2026' is not a date written as YYYY-MM-DD, "
     "such as 2026-10-31"),
    ("period_end: 2026-02-30", "period_end: 2026-02-30 is not a real day"),
    ("period_end: 2026-08-31", "period_end: 2026-08-31 is before the data, which runs from "
     "2026-09-02 to 2026-10-31"),
    ("period_end: 2026-11-30", "period_end: 2026-11-30 is after the data, which runs from "
     "2026-09-02 to 2026-10-31"),
    ("currency: EURO", "currency: 'EURO' is not a currency code: expected an ISO 4217 code "
     "such as EUR, USD or GBP"),
    ("locale: english", "locale: 'english' is not a locale: expected a name such as en_US, "
     "en_IE or de_DE"),
    ("targets: {activaton: 0.2}", "targets: no KPI is called 'activaton' (did you mean "
     "'activation'?); the KPIs are mau, mrr, nps, wau, stickiness, week_4_retention, "
     "activation, nrr_t12m, grr_t12m, logo_churn, ltv_to_cac, cac_payback, mrr_quick_ratio"),
    ("targets: {wau: lots}", "targets: wau: expected a number, found 'lots'"),
    ("targets: {wau: {goal: 5}}", "targets: wau: expected a number or {target: x, "
     "amber_within: y}, found {'goal': 5}"),
    ("notebooks: {product_kpis: {week_start: sun}}", "week_start: 'sun' is not a day of the "
     "week: expected one of monday, tuesday, wednesday, thursday, friday, saturday, sunday"),
    ("categories: [segment]", "categories: expected a mapping of tables to columns to lists of "
     "values, such as 'accounts: {segment: [Consumer, Business]}'"),
    ("categories: {acounts: {segment: [SMB]}}", "categories: no table is called 'acounts' "
     "(did you mean 'accounts'?)"),
    ("categories: {accounts: {signup_date: [SMB]}}", "categories: accounts: 'signup_date' is "
     "not a text column of accounts"),
    ("categories: {accounts: {segment: SMB}}", "categories: accounts: segment: expected a list "
     "of names, found 'SMB'"),
]


@pytest.mark.parametrize("line, message", PARAMS_CASES)
def test_a_bad_params_value_is_refused_in_one_line(company_dir, tmp_path, cli, line, message):
    params = tmp_path / "params.yml"
    params.write_text(f"company_name: Acme\n{line}\n")
    code, out, err = cli("validate", company_dir, "--params", params)
    assert (code, out, err) == (2, "", f"cpo-kit: {params}: {message}\n")


def test_a_category_outside_the_companys_list_is_named(company_dir, tmp_path, cli):
    params = tmp_path / "params.yml"
    params.write_text("categories:\n  accounts:\n    segment: [SMB, Enterprise]\n")
    code, out, err = cli("validate", company_dir, "--params", params)
    assert code == 2
    assert err.splitlines()[0] == (
        f"{company_dir}/accounts.csv:4: segment: not one of the company's values (found "
        "'Mid-Market', expected one of SMB, Enterprise (categories: in the params file))")


def test_the_companys_own_categories_are_accepted_without_a_list(company_dir, cli):
    _replace(company_dir / "accounts.csv", "Acme,SMB", "Acme,Family plan")
    code, _, err = cli("validate", company_dir, *ITS_FUNNEL)
    assert (code, err) == (0, "")


def test_a_period_end_that_is_no_day_stops_the_run_before_anything_runs(company_dir, tmp_path,
                                                                        cli):
    code, out, err = cli("run", company_dir, "--out", tmp_path / "runs",
                         "-p", "period_end=2026-02-30")
    assert (code, out) == (2, "")
    assert err == "cpo-kit: -p period_end=2026-02-30: period_end: 2026-02-30 is not a real day\n"
    code, out, err = cli("run", company_dir, "--out", tmp_path / "runs",
                         "-p", "period_end=2027-01-31")
    assert (code, out) == (2, "")
    assert err == ("cpo-kit: -p period_end=2027-01-31: period_end: 2027-01-31 is after the "
                   "data, which runs from 2026-09-02 to 2026-10-31\n")
    assert not (tmp_path / "runs").exists()


def test_a_funnel_step_no_event_has_is_refused_with_the_closest_names(company_dir, tmp_path,
                                                                       cli):
    params = tmp_path / "params.yml"
    params.write_text("notebooks:\n  product_kpis:\n    funnel_steps: [log_in, share_report]\n")
    for command in ("validate", "run"):
        code, out, err = cli(command, company_dir, "--params", params,
                             *(["--out", tmp_path / "runs"] if command == "run" else []))
        assert (code, out) == (2, "")
        assert err == (f"cpo-kit: {params}: funnel_steps: no event is named 'log_in' in the "
                       "events (closest: 'login')\n")
    assert not (tmp_path / "runs").exists()


def test_the_default_funnel_is_refused_on_events_that_do_not_have_its_steps(company_dir,
                                                                            tmp_path, cli):
    for command in ("validate", "run"):
        code, out, err = cli(command, company_dir,
                             *(["--out", tmp_path / "runs"] if command == "run" else []))
        assert (code, out) == (2, "")
        assert err == (f"{company_dir}/events.csv: event: the default funnel_steps: no event is "
                       "named 'signup' in the events (no name in the events is close); set "
                       "funnel_steps in the params file to steps your events have\n"
                       "1 problem in 1 file: nothing was run or written.\n")
    assert not (tmp_path / "runs").exists()


def test_missing_data_folder(tmp_path, cli):
    code, _, err = cli("validate", tmp_path / "nope")
    assert code == 2
    assert err.startswith(f"{tmp_path}/nope: no such data folder")


def test_a_file_given_for_the_data_folder(company_dir, cli):
    code, _, err = cli("run", company_dir / "events.csv")
    assert code == 2
    assert err.startswith(f"{company_dir}/events.csv: a file, not a folder")
    assert "expected a folder of table files" in err


def test_dates_of_things_that_happened_may_not_be_after_today(company_dir):
    (company_dir / "events.csv").write_text(
        "user_id,timestamp,event\n"
        "u1,2026-12-01 10:00:00,login\n"
        "u1,2026-12-02 23:59:59,login\n"  # tomorrow: a company ahead of UTC lives there
        "u1,2026-12-03 00:00:00,login\n")
    (company_dir / "initiatives.csv").write_text(
        "initiative_id,title,reach,impact,confidence,effort,status,due_date\n"
        "I1,Dark mode,100,1,0.5,2,planned,2031-06-30\n")  # a plan may lie ahead
    problems = [str(p) for p in check_folder(company_dir, today="2026-12-01").problems]
    assert problems == [f"{company_dir}/events.csv:4: timestamp: in the future (found "
                        "'2026-12-03', expected a date and time on or before today, "
                        "2026-12-01)"]


def test_references_are_checked_whatever_the_order_of_the_tables(company_dir):
    # mrr comes before products in the contract, and names products all the same.
    (company_dir / "mrr.csv").write_text("account_id,product_id,month,mrr\n"
                                         "A1,P1,2026-09-01,100\nA1,P7,2026-09-01,50\n")
    problems = [str(p) for p in check_folder(company_dir).problems]
    assert problems == [f"{company_dir}/mrr.csv:3: product_id: unknown products key (found "
                        "'P7', expected a product_id listed in the products table)"]

