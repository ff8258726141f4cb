"""Reading tables: formats, column names, mappings, types and row numbers."""
from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from cpo_kit.inputs.contract import TABLES
from cpo_kit.inputs.loaders import normalise, read_chunks, read_table
from cpo_kit.inputs.validate import check_folder


@pytest.mark.parametrize("raw, expected", [
    ("Account ID", "account_id"), (" signup-date ", "signup_date"), ("MRR", "mrr"),
    ("user_id", "user_id"),
])
def test_column_names_match_whatever_their_case_and_spacing(raw, expected):
    assert normalise(raw) == expected


def test_headers_are_matched_case_insensitively(tmp_path):
    (tmp_path / "products.csv").write_text("Product_ID,NAME,Launch Date,stage,Gross-Margin\n"
                                           "P1,Core,2020-01-01,maturity,0.8\n")
    chunk = read_table(TABLES["products"], tmp_path / "products.csv")
    assert chunk.problems == []
    assert chunk.frame.loc[0, "launch_date"] == pd.Timestamp("2020-01-01")
    assert chunk.frame.loc[0, "gross_margin"] == 0.8


def test_params_mapping_renames_a_companys_columns(tmp_path):
    (tmp_path / "events.csv").write_text("member,event_time,action\nu1,2026-01-01 10:00:00,login\n")
    columns = {"events": {"member": "user_id", "Event_Time": "timestamp"}, "action": "event"}
    checked = check_folder(tmp_path, columns=columns)
    assert checked.problems == []
    assert checked.summaries["events"].rows == 1
    assert checked.summaries["events"].first == pd.Timestamp("2026-01-01 10:00:00")


def test_missing_optional_columns_are_added_empty(tmp_path):
    (tmp_path / "events.csv").write_text("user_id,timestamp,event\nu1,2026-01-01,login\n")
    chunk = read_table(TABLES["events"], tmp_path / "events.csv")
    assert list(chunk.frame.columns) == ["user_id", "timestamp", "event", "feature", "platform",
                                         "session_id"]
    assert chunk.frame["platform"].isna().all()


def test_types_are_coerced_to_the_contract(tmp_path):
    (tmp_path / "surveys.csv").write_text(
        "response_id,survey,submitted_at,nps,comment\n"
        "1001,nps,2026-03-01T10:00:00Z,9,Great\n"
        "1002,nps,2026-03-02 11:30:00+02:00,,\n")
    frame = read_table(TABLES["surveys"], tmp_path / "surveys.csv").frame
    assert frame["response_id"].tolist() == ["1001", "1002"]
    assert frame["nps"].tolist()[0] == 9 and pd.isna(frame["nps"].iloc[1])
    # Times with an offset are converted to UTC.
    assert frame["submitted_at"].tolist() == [pd.Timestamp("2026-03-01 10:00:00"),
                                              pd.Timestamp("2026-03-02 09:30:00")]
    assert pd.isna(frame["comment"].iloc[1])


def test_row_numbers_continue_across_chunks(tmp_path):
    rows = [f"u{i},2026-01-0{1 + i % 9} 10:00:00,login" for i in range(10)]
    rows[6] = "u6,yesterday,login"  # line 8 of the file
    (tmp_path / "events.csv").write_text("user_id,timestamp,event\n" + "\n".join(rows) + "\n")
    chunks = list(read_chunks(TABLES["events"], tmp_path / "events.csv", chunk_rows=3))
    assert len(chunks) == 4
    problems = [str(p) for c in chunks for p in c.problems]
    assert problems == [f"{tmp_path}/events.csv:8: timestamp: not a valid date and time "
                        "(found 'yesterday', expected a date and time such as "
                        "2026-01-31 14:05:00)"]


def test_parquet_rows_are_numbered_from_one(tmp_path):
    frame = pd.DataFrame({"user_id": ["u1", "u2", "u3"], "timestamp": pd.to_datetime(
        ["2026-01-01", "2026-01-02", "2026-01-03"]), "event": ["login", None, "login"]})
    frame.to_parquet(tmp_path / "events.parquet")
    problems = [str(p) for p in check_folder(tmp_path).problems]
    assert problems == [f"{tmp_path}/events.parquet:2: event: missing value (expected a value)"]


def test_excel_tables_are_read_with_their_types(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["member_id", "role", "level", "start_date", "onboarding_progress"])
    sheet.append([1, "product manager", 4, pd.Timestamp("2026-09-14").to_pydatetime(), 0.5])
    sheet.append([None, None, None, None, None])  # a blank formatting row is skipped
    sheet.append([2, "cpo", 8, pd.Timestamp("2021-01-04").to_pydatetime(), 1])
    book.save(tmp_path / "team.xlsx")
    chunk = read_table(TABLES["team"], tmp_path / "team.xlsx")
    assert chunk.problems == []
    assert chunk.frame["member_id"].tolist() == ["1", "2"]
    assert chunk.frame["level"].tolist() == [4, 8]
    assert chunk.rows.tolist() == [2, 4]


def test_unknown_files_are_ignored_and_listed(company_dir, cli):
    (company_dir / "notes.txt").write_text("hello")
    (company_dir / "acounts.csv").write_text("x\n1\n")
    # Its events have no signup, the default funnel's first step.
    code, out, _ = cli("validate", company_dir, "-p", "funnel_steps=[login, share_report]")
    assert code == 0
    assert "Ignored, not named after a table: acounts.csv, notes.txt" in out


def test_a_quick_load_checks_the_header_and_first_rows_of_events_only(tmp_path):
    from cpo_kit import load_company

    rows = "".join(f"u1,2026-01-01 10:00:{i % 60:02d},login\n" for i in range(12_000))
    (tmp_path / "events.csv").write_text("user_id,timestamp,event\n" + rows + "u1,later,login\n")
    assert load_company(tmp_path, check_events=False).table("events").count().execute() == 12_001
    with pytest.raises(Exception, match=r"events.csv:12002: timestamp: not a valid date and time"):
        load_company(tmp_path)
