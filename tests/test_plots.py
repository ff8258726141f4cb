"""The shared pieces of the charts and tables."""
from __future__ import annotations

import pandas as pd

from cpo_kit.plots import styled_table


def test_a_reading_table_shows_company_text_as_text_everywhere():
    frame = pd.DataFrame({"<b>rival</b>_name": ["<script>x()</script>"], "list_price": [12.5]})
    page = styled_table(frame, uuid="t", formats={"list_price": "${:,.2f}"},
                        caption="Prices of <i>rivals</i>").to_html()
    assert "&lt;b&gt;rival&lt;/b&gt; name" in page
    assert "&lt;script&gt;x()&lt;/script&gt;" in page
    assert "Prices of &lt;i&gt;rivals&lt;/i&gt;" in page
    assert "<script>" not in page and "<b>" not in page and "<i>" not in page
    assert ">list price</th>" in page and ">$12.50</td>" in page
    assert 'id="T_t' in page and "row0" in page and "level0_row0" not in page  # no index
