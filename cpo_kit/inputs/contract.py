"""The data contract: every table of company data the playbook reads, and what a table is made of.

A table is a CSV, Parquet or Excel file named after it (``events.parquet``) in
one data folder. Only ``events`` is needed for the product analyses; every other
table is optional and unlocks the sections that read it. The first half of this
module is the machinery (column types, rules, :class:`Table`); the second declares
the tables, so a new table is a few lines at the end.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from pandera.pandas import Check, Column, DataFrameSchema

from cpo_kit.metrics.kpis import SCORED
from cpo_kit.metrics.voice import SUS_ITEMS

#: The contract's column types and the pandas dtype each is held in.
TYPES = {
    "string": "str",
    "integer": "Int64",
    "number": "Float64",
    "boolean": "boolean",
    "date": "datetime64[us]",
    "timestamp": "datetime64[us]",
}

#: How each type is named in messages: "not a valid date".
TYPE_NAMES = {
    "string": "text value",
    "integer": "whole number",
    "number": "number",
    "boolean": "true or false value",
    "date": "date",
    "timestamp": "date and time",
}

#: What each type looks like, in messages and in the book.
TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "date": "a date such as 2026-01-31",
    "timestamp": "a date and time such as 2026-01-31 14:05:00",
}


def col(kind: str, description: str, *checks: Check, nullable: bool = False,
        required: bool = True, past: bool = False) -> Column:
    """Declare one column of the contract.

    Parameters
    ----------
    kind : str
        One of :data:`TYPES`.
    description : str
        One line that says what the column holds, shown in messages and the book.
    *checks : pandera.Check
        Allowed values or range.
    nullable : bool
        Whether a row may leave the column empty.
    required : bool
        Whether the file must have the column at all. A missing optional column
        is added, empty, when the table is loaded.
    past : bool
        Whether the column records something that has happened (a signup, an event),
        so that a date after today is a mistake in the data. Plans and due dates
        leave it False.
    """
    return Column(TYPES[kind], checks=list(checks), nullable=nullable or not required,
                  required=required, description=description,
                  metadata={"kind": kind, "past": past})


def one_of(*values: str) -> Check:
    """Allowed values of a text column."""
    return Check.isin(list(values))


def between(low: float, high: float) -> Check:
    """An inclusive range."""
    return Check.in_range(low, high)


def at_least(low: float) -> Check:
    """A lower bound, inclusive."""
    return Check.ge(low)


@dataclass(frozen=True)
class Rule:
    """A check that compares two columns of the same row: ``left >= right``.

    Empty values on either side pass; nullability is the column's own check.
    """

    left: str
    right: str
    message: str


@dataclass(frozen=True)
class Table:
    """One table of company data.

    Parameters
    ----------
    name : str
        The table's name, which is also the stem of its file (``accounts.csv``).
    description : str
        What one row is.
    schema : pandera.DataFrameSchema
        Columns with their types, nullability, allowed values and descriptions.
    key : tuple of str
        The columns that identify a row; no two rows may share them.
    references : dict
        ``column -> (table, column)``: foreign keys, checked when both tables are present.
    rules : tuple of Rule
        Checks across the columns of one row.
    large : bool
        Whether the table can run to billions of rows; it is then read in chunks
        and queried in place rather than held in memory.
    """

    name: str
    description: str
    schema: DataFrameSchema
    key: tuple[str, ...] = ()
    references: dict[str, tuple[str, str]] = field(default_factory=dict)
    rules: tuple[Rule, ...] = ()
    large: bool = False

    @property
    def columns(self) -> dict[str, Column]:
        return self.schema.columns

    def kind(self, column: str) -> str:
        return self.columns[column].metadata["kind"]

    def past(self, column: str) -> bool:
        return self.columns[column].metadata.get("past", False)

    @property
    def required_columns(self) -> list[str]:
        return [name for name, c in self.columns.items() if c.required]


def describe_check(check: Check) -> str:
    """Say in words what a check allows, for messages and the book."""
    stats = check.statistics
    if check.name == "isin":
        return "one of " + ", ".join(str(v) for v in stats["allowed_values"])
    if check.name == "in_range":
        return f"{_num(stats['min_value'])} to {_num(stats['max_value'])}"
    if check.name == "greater_than_or_equal_to":
        return f"{_num(stats['min_value'])} or more"
    return check.error or check.name


def _num(value: float) -> str:
    return f"{value:g}"


# The tables ---------------------------------------------------------------

LIFECYCLE_STAGES = ("introduction", "growth", "maturity", "decline", "retired")
SURVEYS = ("nps", "csat", "sus")


def _schema(name: str, columns: dict) -> DataFrameSchema:
    # strict=False: a company's extra columns are kept and ignored, not refused.
    return DataFrameSchema(columns, name=name, strict=False)


ACCOUNTS = Table(
    "accounts",
    "One row per customer account (a company that pays or has paid).",
    _schema("accounts", {
        "account_id": col("string", "Unique identifier of the account."),
        "name": col("string", "The customer's name as shown in reports."),
        "segment": col("string", "The company's own grouping of customers, such as plan "
                       "family or company size."),
        "industry": col("string", "The customer's industry.", nullable=True, required=False),
        "country": col("string", "Country of the customer's head office.", nullable=True,
                       required=False),
        "channel": col("string", "How the account was acquired, in the company's own "
                       "channel names.", nullable=True, required=False),
        "signup_date": col("date", "Day the account signed up.", past=True),
        "churn_date": col("date", "Day the account cancelled; empty while it is a customer.",
                          nullable=True, required=False, past=True),
        "acquisition_cost": col("number", "Sales and marketing cost of winning the account "
                                "(the account's CAC), in the reporting currency.",
                                at_least(0), nullable=True, required=False),
    }),
    key=("account_id",),
    rules=(Rule("churn_date", "signup_date", "churned before it signed up"),),
)

USERS = Table(
    "users",
    "One row per person who uses the product.",
    _schema("users", {
        "user_id": col("string", "Unique identifier of the user, as in the events table."),
        "account_id": col("string", "The account the user belongs to.", nullable=True,
                          required=False),
        "signup_at": col("timestamp", "When the user signed up.", past=True),
        "role": col("string", "The user's job role.", nullable=True, required=False),
        "country": col("string", "The user's country.", nullable=True, required=False),
    }),
    key=("user_id",),
    references={"account_id": ("accounts", "account_id")},
)

EVENTS = Table(
    "events",
    "One row per thing a user did in the product; the only table that can be large.",
    _schema("events", {
        "user_id": col("string", "Who did it."),
        "timestamp": col("timestamp", "When it happened (UTC).", past=True),
        "event": col("string", "What happened, such as login or create_report."),
        "feature": col("string", "The product feature the event belongs to.", nullable=True,
                       required=False),
        "platform": col("string", "Where it happened, such as web, ios or android.",
                        nullable=True, required=False),
        "session_id": col("string", "The visit the event belongs to.", nullable=True,
                          required=False),
    }),
    references={"user_id": ("users", "user_id")},
    large=True,
)

MRR = Table(
    "mrr",
    "Monthly recurring revenue of one account for one product in one month.",
    _schema("mrr", {
        "account_id": col("string", "The paying account."),
        "product_id": col("string", "The product the revenue is for."),
        "month": col("date", "First day of the month.", past=True),
        "mrr": col("number", "Recurring revenue for that month, in the reporting currency.",
                   at_least(0)),
    }),
    key=("account_id", "product_id", "month"),
    references={"account_id": ("accounts", "account_id"),
                "product_id": ("products", "product_id")},
)

SURVEYS_TABLE = Table(
    "surveys",
    "One survey answer: an NPS, CSAT or SUS response, with its comment.",
    _schema("surveys", {
        "response_id": col("string", "Unique identifier of the response."),
        "survey": col("string", "Which survey was answered.", one_of(*SURVEYS)),
        "submitted_at": col("timestamp", "When the response was submitted.", past=True),
        "user_id": col("string", "Who answered, if known.", nullable=True, required=False),
        "account_id": col("string", "The account of who answered, if known.", nullable=True,
                          required=False),
        "nps": col("integer", "Likelihood to recommend, 0 to 10 (NPS responses).",
                   between(0, 10), nullable=True, required=False),
        "csat": col("integer", "Satisfaction, 1 to 5 (CSAT responses).", between(1, 5),
                    nullable=True, required=False),
        **{item: col("integer", f"SUS statement {item[5:]}, 1 (strongly disagree) to 5 "
                     "(strongly agree).", between(1, 5), nullable=True, required=False)
           for item in SUS_ITEMS},
        "comment": col("string", "Free-text comment.", nullable=True, required=False),
    }),
    key=("response_id",),
    references={"user_id": ("users", "user_id"), "account_id": ("accounts", "account_id")},
)

FEEDBACK = Table(
    "feedback",
    "One piece of customer feedback, tagged with where it came from and its theme.",
    _schema("feedback", {
        "feedback_id": col("string", "Unique identifier of the feedback."),
        "received_at": col("timestamp", "When it was received.", past=True),
        "account_id": col("string", "The account it came from, if known.", nullable=True,
                          required=False),
        "source": col("string", "Where it came from, such as support, sales or app_review."),
        "theme": col("string", "What it is about, such as reporting or performance."),
        "sentiment": col("number", "Tone from -1 (negative) to 1 (positive).", between(-1, 1),
                         nullable=True, required=False),
        "text": col("string", "The feedback in the customer's words.", nullable=True,
                    required=False),
    }),
    key=("feedback_id",),
    references={"account_id": ("accounts", "account_id")},
)

COMPETITORS = Table(
    "competitors",
    "How well one competitor (or the company itself) covers one feature, with its list price.",
    _schema("competitors", {
        "competitor": col("string", "The competitor's name."),
        "is_us": col("boolean", "True on the company's own rows.", nullable=True,
                     required=False),
        "feature": col("string", "A capability buyers compare."),
        "coverage": col("number", "How well it is covered: 0 none, 0.5 partial, 1 full.",
                        between(0, 1)),
        "list_price": col("number", "List price per seat and month of the comparable plan.",
                          at_least(0), nullable=True, required=False),
    }),
    key=("competitor", "feature"),
)

MARKET = Table(
    "market",
    "Sizing inputs for one market segment in one year.",
    _schema("market", {
        "segment": col("string", "The market segment, named as in the accounts table."),
        "year": col("integer", "Calendar year.", between(1990, 2100)),
        "companies": col("integer", "Companies in the segment that could buy the product.",
                         at_least(0)),
        "annual_value": col("number", "What one such company would spend a year.",
                            at_least(0)),
        "serviceable_share": col("number", "Share of companies the product can serve today "
                                 "(region, language, integrations).", between(0, 1)),
        "obtainable_share": col("number", "Share of the serviceable market the company can "
                                "win in a few years.", between(0, 1)),
        "reported_size": col("number", "Top-down market size from analyst reports.",
                             at_least(0), nullable=True, required=False),
    }),
    key=("segment", "year"),
)

PRICE_SURVEY = Table(
    "price_survey",
    "One respondent's Van Westendorp answers, as prices per seat and month.",
    _schema("price_survey", {
        "respondent_id": col("string", "Unique identifier of the respondent."),
        "segment": col("string", "The respondent's segment, named as in the accounts table.",
                       nullable=True, required=False),
        "too_cheap": col("number", "So cheap that quality is doubted.", at_least(0)),
        "cheap": col("number", "A bargain.", at_least(0)),
        "expensive": col("number", "Getting expensive, but still considered.", at_least(0)),
        "too_expensive": col("number", "Too expensive to consider.", at_least(0)),
    }),
    key=("respondent_id",),
)

OKRS = Table(
    "okrs",
    "One key result of one objective.",
    _schema("okrs", {
        "okr_id": col("string", "Unique identifier of the key result."),
        "quarter": col("string", "The quarter, such as 2026-Q4."),
        "objective": col("string", "The objective the key result belongs to."),
        "key_result": col("string", "The measurable result."),
        "owner": col("string", "Who is accountable.", nullable=True, required=False),
        "baseline": col("number", "Value at the start of the quarter.", nullable=True,
                        required=False),
        "target": col("number", "Value to reach by the end of the quarter."),
        "current": col("number", "Latest value.", nullable=True, required=False),
        "kpi": col("string", "The key of the KPI the key result moves (see the KPI "
                   "catalogue); its target then scores that KPI.", one_of(*SCORED),
                   nullable=True, required=False),
    }),
    key=("okr_id",),
)

PRODUCTS = Table(
    "products",
    "One product of the portfolio.",
    _schema("products", {
        "product_id": col("string", "Unique identifier of the product."),
        "name": col("string", "The product's name."),
        "launch_date": col("date", "Day the product became generally available.",
                           past=True),
        "stage": col("string", "Lifecycle stage.", one_of(*LIFECYCLE_STAGES)),
        "gross_margin": col("number", "Gross margin as a share of revenue.", between(-1, 1)),
        "market_growth": col("number", "Yearly growth of the product's market (0.12 = 12%).",
                             between(-1, 10), nullable=True, required=False),
        "relative_share": col("number", "Market share relative to the largest competitor.",
                              at_least(0), nullable=True, required=False),
    }),
    key=("product_id",),
)

INITIATIVES = Table(
    "initiatives",
    "One item of the roadmap backlog.",
    _schema("initiatives", {
        "initiative_id": col("string", "Unique identifier of the initiative."),
        "title": col("string", "Short name of the initiative."),
        "product_id": col("string", "The product it changes.", nullable=True, required=False),
        "okr_id": col("string", "The key result it serves.", nullable=True, required=False),
        "reach": col("number", "Users or accounts affected per quarter.", at_least(0)),
        "impact": col("number", "Effect on each, 0.25 (minimal) to 3 (massive).",
                      between(0, 3)),
        "confidence": col("number", "Confidence in reach and impact, 0 to 1.", between(0, 1)),
        "effort": col("number", "Person-months of work.", at_least(0)),
        "cost": col("number", "Cost to build, in the reporting currency.", at_least(0),
                    nullable=True, required=False),
        "expected_benefit": col("number", "Expected yearly benefit, in the reporting currency.",
                                at_least(0), nullable=True, required=False),
        "status": col("string", "Where the initiative stands.",
                      one_of("idea", "planned", "in_progress", "done", "dropped")),
        "start_date": col("date", "Planned or actual start.", nullable=True, required=False),
        "due_date": col("date", "Committed delivery date.", nullable=True, required=False),
        "done_date": col("date", "Actual delivery date.", nullable=True, required=False,
                         past=True),
    }),
    key=("initiative_id",),
    references={"product_id": ("products", "product_id"), "okr_id": ("okrs", "okr_id")},
    rules=(Rule("due_date", "start_date", "is due before it starts"),
           Rule("done_date", "start_date", "was done before it started")),
)

SKILLS = ("skill_strategy", "skill_discovery", "skill_delivery", "skill_analytics",
          "skill_communication", "skill_leadership")

TEAM = Table(
    "team",
    "One member of the product team.",
    _schema("team", {
        "member_id": col("string", "Unique identifier of the team member."),
        "role": col("string", "Job role, such as product manager or product designer."),
        "level": col("integer", "Career level, 1 (junior) to 8 (executive).", between(1, 8)),
        "manager_id": col("string", "The member's manager.", nullable=True, required=False),
        "start_date": col("date", "First day in the team.", past=True),
        **{skill: col("number", f"Self and manager assessed {skill[6:]} skill, 1 to 5.",
                      between(1, 5), nullable=True, required=False) for skill in SKILLS},
        "onboarding_progress": col("number", "Share of the onboarding plan completed, 0 to 1.",
                                   between(0, 1), nullable=True, required=False),
    }),
    key=("member_id",),
    references={"manager_id": ("team", "member_id")},
)

#: Every table of the contract, by name, in the order they are validated and documented.
TABLES: dict[str, Table] = {t.name: t for t in (
    ACCOUNTS, USERS, EVENTS, MRR, SURVEYS_TABLE, FEEDBACK, COMPETITORS, MARKET, PRICE_SURVEY,
    OKRS, PRODUCTS, INITIATIVES, TEAM)}
