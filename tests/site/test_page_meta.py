"""The date a page was last reviewed and its feedback link (cpo_kit.site.book_ext)."""
import subprocess

from cpo_kit.site.book_ext import feedback_link, last_changed, page_footer


def _git(folder, *args, date=None):
    env = {"GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.org",
           "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@example.org",
           "PATH": "/usr/bin:/bin"}
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    subprocess.run(["git", *args], cwd=folder, env=env, check=True, capture_output=True)


def test_last_changed_is_the_last_commit_of_the_file(tmp_path):
    _git(tmp_path, "init", "-q")
    (tmp_path / "a.md").write_text("one\n")
    (tmp_path / "b.md").write_text("one\n")
    _git(tmp_path, "add", "a.md", "b.md")
    _git(tmp_path, "commit", "-q", "-m", "first", date="2024-03-05T10:00:00+00:00")
    (tmp_path / "b.md").write_text("two\n")
    _git(tmp_path, "commit", "-q", "-am", "second", date="2025-01-20T10:00:00+00:00")
    assert last_changed(tmp_path / "a.md") == "2024-03-05"
    assert last_changed(tmp_path / "b.md") == "2025-01-20"


def test_last_changed_is_none_outside_git_or_uncommitted(tmp_path):
    (tmp_path / "loose.md").write_text("x\n")
    assert last_changed(tmp_path / "loose.md") is None
    assert last_changed(tmp_path / "missing.md") is None
    _git(tmp_path, "init", "-q")
    assert last_changed(tmp_path / "loose.md") is None


def test_page_footer():
    assert page_footer(None, "") == ""
    assert page_footer("2025-01-20", "") == '<p class="cpo-page-meta">Last reviewed 2025-01-20.</p>'
    assert page_footer(None, "https://example.org/issues?a=1&b=2", title="KPIs") == (
        '<p class="cpo-page-meta"><a class="cpo-feedback" '
        'href="https://example.org/issues?a=1&amp;b=2">Send feedback on this page</a>.</p>')
    # Without an address, the link goes to the book's page on sending feedback.
    assert page_footer("2025-01-20", "", guide="../reference/feedback.html") == (
        '<p class="cpo-page-meta">Last reviewed 2025-01-20. <a class="cpo-feedback" '
        'href="../reference/feedback.html">How to send feedback on this page</a>.</p>')


def test_feedback_link_names_the_page_in_an_issue_form_or_an_email():
    assert feedback_link("https://github.com/acme/book/issues/new", "KPIs & OKRs") == (
        "https://github.com/acme/book/issues/new?title=Feedback%20on%20%E2%80%9CKPIs%20%26%20"
        "OKRs%E2%80%9D")
    assert feedback_link("mailto:po@acme.example?cc=cpo@acme.example", "Pricing") == (
        "mailto:po@acme.example?cc=cpo@acme.example&subject=Feedback%20on%20%E2%80%9CPricing"
        "%E2%80%9D")
    # Any other address is kept as it is: its form may not take a title.
    assert feedback_link("https://forms.example.org/f/123", "Pricing") == (
        "https://forms.example.org/f/123")
