"""The stakeholder report as slides to present: ``stakeholder_report.pptx``.

The deck says what the report says, slide by slide: the title, the scorecard, the
highlights and lowlights, the roadmap's status, the risks, the decisions asked for,
then one chart per KPI with its trend line. Its words and numbers are the report's
own (the rows and sentences :mod:`cpo_kit.reports.stakeholder` shows), so the deck
and the page never disagree. The charts are PowerPoint's own line charts, not
pictures, so whoever presents can restyle them; PowerPoint, Keynote and
LibreOffice open them. python-pptx writes the file.

Part of :mod:`cpo_kit.reports`: imports :mod:`cpo_kit.core`.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from cpo_kit.core.formats import is_missing
from cpo_kit.reports.briefing import TREND_NAMES
from cpo_kit.reports.stakeholder import EMPTY, Report, delivery_summary, scorecard_rows

#: Slide size: 16:9, in inches.
WIDTH, HEIGHT = 13.333, 7.5
#: How each unit's numbers are written on a chart's value axis (Excel number formats).
AXIS_FORMATS = {"share": "0%", "currency": "#,##0", "count": "#,##0", "score": "0",
                "ratio": "0.0", "months": "0", "days": "0"}
BLUE, GREY, INK, TARGET, GRID = "0969DA", "8C959F", "1F2328", "CF222E", "E6E9EC"


def write_slides(report: Report, path: str | Path, *, quarter: list[str] | None = None) -> Path:
    """Write ``report`` as a slide deck to ``path``, replacing it only once written.

    Parameters
    ----------
    report : Report
        The stakeholder report of a run, as its notebook makes it.
    path : str or Path
        The ``.pptx`` file to write.
    quarter : list of str, optional
        The quarter in a few sentences (:func:`cpo_kit.reports.qbr.quarter_parts`):
        the slide after the title, so the deck opens with the story.

    Returns
    -------
    Path
        ``path``.
    """
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(WIDTH), Inches(HEIGHT)
    _title_slide(deck, report)
    if quarter:
        _list_slide(deck, "The quarter", quarter, "", numbered=False)
    _scorecard_slide(deck, report)
    _two_lists(deck, "Highlights and lowlights", ("Highlights", report.highlights,
                                                  EMPTY["highlights"]),
               ("Lowlights", report.lowlights, EMPTY["lowlights"]))
    _roadmap_slide(deck, report)
    _list_slide(deck, "Top risks", report.risks, EMPTY["risks"])
    _list_slide(deck, "Decisions asked for", report.decisions, EMPTY["decisions"])
    for row in scorecard_rows(report):
        trend = report.trends.get(row["kpi"])
        if trend is not None and len(trend) >= 2:
            _chart_slide(deck, row, trend)
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial")
    deck.save(partial)
    partial.replace(path)
    return path


def _blank(deck, title: str):
    """A slide of the deck's blank layout with ``title`` across its top."""
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    _text(slide, title, left=0.6, top=0.35, width=WIDTH - 1.2, height=0.8, size=28,
          bold=True)
    return slide


def _text(slide, text: str, *, left: float, top: float, width: float, height: float,
          size: int, bold: bool = False, colour: str = INK):
    """A text box holding ``text`` as one paragraph."""
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    frame = box.text_frame
    frame.word_wrap = True
    run = frame.paragraphs[0].add_run()
    run.text = text
    run.font.size, run.font.bold = Pt(size), bold
    run.font.color.rgb = RGBColor.from_string(colour)
    return frame


def _bullets(frame, texts: list[str], *, size: int, numbered: bool = False) -> None:
    """Paragraphs of ``texts`` in ``frame`` after its first, each marked or numbered."""
    from pptx.util import Pt

    for number, text in enumerate(texts, start=1):
        run = frame.add_paragraph().add_run()
        run.text = f"{number}. {text}" if numbered else f"• {text}"
        run.font.size = Pt(size)
        run.font.color.rgb = frame.paragraphs[0].runs[0].font.color.rgb


def _title_slide(deck, report: Report) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    _text(slide, f"{report.company}: product report", left=0.8, top=2.4, width=WIDTH - 1.6,
          height=1.2, size=40, bold=True)
    _text(slide, f"Period ending {report.period_end}", left=0.8, top=3.7, width=WIDTH - 1.6,
          height=0.7, size=22, colour=GREY)


def _scorecard_slide(deck, report: Report) -> None:
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    slide = _blank(deck, "Scorecard")
    rows = scorecard_rows(report)
    if not rows:
        _text(slide, EMPTY["scorecard"], left=0.6, top=1.4, width=WIDTH - 1.2, height=1,
              size=20)
        return
    headings = ("KPI", "Value", "Target", "Status", "Change")
    # Rows as tall as a slide holds; 13 KPIs fit at 14 points.
    tall = min(0.42, (HEIGHT - 1.6) / (len(rows) + 1))
    table = slide.shapes.add_table(len(rows) + 1, len(headings), Inches(0.6), Inches(1.3),
                                   Inches(WIDTH - 1.2), Inches(tall * (len(rows) + 1))).table
    for column, width in enumerate((4.6, 1.9, 1.9, 1.6, 2.133)):
        table.columns[column].width = Inches(width)
    size = Pt(14 if len(rows) <= 13 else 11)
    for column, heading in enumerate(headings):
        _cell(table.cell(0, column), heading, size, bold=True)
    for number, row in enumerate(rows, start=1):
        values = (row["kpi"], row["value"], row["target"], row["status"], row["change"])
        for column, value in enumerate(values):
            cell = table.cell(number, column)
            _cell(cell, value, size, right=column in (1, 2, 4))
            cell.fill.solid()
            cell.fill.fore_color.rgb = RGBColor.from_string("FFFFFF")
        if row["colour"]:
            status = table.cell(number, 3)
            status.fill.solid()
            status.fill.fore_color.rgb = RGBColor.from_string(row["colour"].lstrip("#"))
            status.text_frame.paragraphs[0].runs[0].font.color.rgb = RGBColor.from_string(
                "FFFFFF")


def _cell(cell, text: str, size, *, bold: bool = False, right: bool = False) -> None:
    from pptx.enum.text import PP_ALIGN

    cell.text = str(text)
    paragraph = cell.text_frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.RIGHT if right else PP_ALIGN.LEFT
    for run in paragraph.runs:
        run.font.size, run.font.bold = size, bold


def _two_lists(deck, title: str, *columns: tuple[str, list[str], str]) -> None:
    slide = _blank(deck, title)
    width = (WIDTH - 1.6) / len(columns)
    for number, (heading, texts, empty) in enumerate(columns):
        frame = _text(slide, heading, left=0.6 + number * (width + 0.4), top=1.3, width=width,
                      height=HEIGHT - 1.8, size=22, bold=True)
        _bullets(frame, texts or [empty], size=_size(texts))


def _list_slide(deck, title: str, texts: list[str], empty: str, *,
                numbered: bool = True) -> None:
    slide = _blank(deck, title)
    frame = _text(slide, "", left=0.6, top=1.3, width=WIDTH - 1.2, height=HEIGHT - 1.8,
                  size=20)
    _bullets(frame, texts or [empty], size=_size(texts), numbered=numbered and bool(texts))


def _size(texts: list[str]) -> int:
    """A font size at which ``texts`` fit their box: smaller the more there is to say."""
    said = sum(len(text) for text in texts)
    return 20 if said <= 500 else 16 if said <= 900 else 13


def _roadmap_slide(deck, report: Report) -> None:
    slide = _blank(deck, "Roadmap")
    delivery = delivery_summary(report.roadmap)
    if delivery is None:
        _text(slide, EMPTY["roadmap"], left=0.6, top=1.3, width=WIDTH - 1.2, height=1, size=20)
        return
    _text(slide, f"Committed initiatives: {delivery['summary']}.", left=0.6, top=1.2,
          width=WIDTH - 1.2, height=0.6, size=20)
    slipped = delivery["slipped"]
    if not slipped:
        return
    from pptx.util import Inches, Pt

    shown = slipped[:12]  # a slide holds twelve rows; the report page has them all
    table = slide.shapes.add_table(len(shown) + 1, 4, Inches(0.6), Inches(2.0),
                                   Inches(WIDTH - 1.2), Inches(0.4 * (len(shown) + 1))).table
    for column, width in enumerate((6.133, 2.0, 2.0, 2.0)):
        table.columns[column].width = Inches(width)
    for column, heading in enumerate(("Initiative", "State", "Due", "Days late")):
        _cell(table.cell(0, column), heading, Pt(14), bold=True)
    for number, row in enumerate(shown, start=1):
        for column, key in enumerate(("title", "state", "due", "late")):
            _cell(table.cell(number, column), row[key], Pt(14), right=column == 3)
    if len(slipped) > len(shown):
        _text(slide, f"And {len(slipped) - len(shown)} more late or at risk: see the report.",
              left=0.6, top=2.1 + 0.4 * (len(shown) + 1), width=WIDTH - 1.2, height=0.5,
              size=14, colour=GREY)


def _chart_slide(deck, row: dict, trend: pd.Series) -> None:
    """One KPI's trend line, with its target as a dashed line when it has one."""
    from pptx.chart.data import CategoryChartData
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import (XL_CHART_TYPE, XL_LEGEND_POSITION, XL_MARKER_STYLE,
                                 XL_TICK_LABEL_POSITION)
    from pptx.enum.dml import MSO_LINE_DASH_STYLE
    from pptx.util import Inches, Pt

    slide = _blank(deck, row["kpi"])
    unit, target = row["unit"], row["target_number"]
    _text(slide, _chart_caption(row), left=0.6, top=1.05, width=WIDTH - 1.2, height=0.6,
          size=18, colour=GREY)
    data = CategoryChartData(number_format=AXIS_FORMATS.get(unit, "General"))
    data.categories = period_labels(trend.index)
    data.add_series(TREND_NAMES.get(row["key"], row["kpi"]), [float(v) for v in trend])
    if not is_missing(target):
        data.add_series("Target", [float(target)] * len(trend))
    frame = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, Inches(0.6), Inches(1.8),
                                   Inches(WIDTH - 1.2), Inches(HEIGHT - 2.3), data)
    chart = frame.chart
    chart.has_legend = not is_missing(target)
    if chart.has_legend:
        chart.legend.position, chart.legend.include_in_layout = XL_LEGEND_POSITION.BOTTOM, False
    chart.font.size = Pt(14)
    chart.value_axis.tick_labels.number_format = AXIS_FORMATS.get(unit, "General")
    chart.value_axis.tick_labels.number_format_is_linked = False
    # The periods under the plot, even where the line falls below zero (a negative NPS).
    chart.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    # Light grid lines: a target on a round number would hide behind a dark one.
    chart.value_axis.major_gridlines.format.line.color.rgb = RGBColor.from_string(GRID)
    value, *rest = chart.plots[0].series
    value.format.line.color.rgb = RGBColor.from_string(BLUE)
    value.format.line.width = Pt(2.5)
    value.smooth = False
    for line in rest:  # the target
        line.format.line.color.rgb = RGBColor.from_string(TARGET)
        line.format.line.width = Pt(2)
        line.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
        line.marker.style = XL_MARKER_STYLE.NONE
        line.smooth = False


def _chart_caption(row: dict) -> str:
    """The line under a KPI's title: its value, target, status and change, as the report's row."""
    said = f"{row['value']}"
    if row["target"]:
        said += f" against a target of {row['target']}"
    said += f" ({row['status']})"
    if row["change"]:
        said += f"; {row['change']} since the previous period"
    return said + "."


def period_labels(periods) -> list[str]:
    """Periods as a chart's axis names them: months as ``Oct 2026``, weeks as ``19 Oct``.

    Examples
    --------
    >>> period_labels(["2026-09-01", "2026-10-01"])
    ['Sep 2026', 'Oct 2026']
    >>> period_labels(["2026-10-12", "2026-10-19"])
    ['12 Oct', '19 Oct']
    """
    dates = pd.to_datetime(pd.Index(periods), errors="coerce")
    if dates.isna().any():
        return [str(period) for period in periods]
    if (dates.day == 1).all():
        return [date.strftime("%b %Y") for date in dates]
    return [f"{date.day} {date.strftime('%b')}" for date in dates]
