"""Without Chromium the browser test skips with its reason, unless KIT_REQUIRE_BROWSER=1 makes that a failure."""
import pytest

from tests.browser import test_notebooks_in_browser as browser_test


def test_missing_browser_skips_with_a_reason(monkeypatch):
    monkeypatch.setattr(browser_test, "find_chromium", lambda: None)
    monkeypatch.delenv("KIT_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no Chromium found"):
        browser_test._require_browser()


def test_missing_browser_fails_when_required(monkeypatch):
    monkeypatch.setattr(browser_test, "find_chromium", lambda: None)
    monkeypatch.setenv("KIT_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="KIT_REQUIRE_BROWSER=1 but no Chromium found"):
        browser_test._require_browser()
