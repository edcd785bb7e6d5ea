"""The vi and en catalogs agree, and every command has its help, usage and menu texts."""

from __future__ import annotations

import re

import pytest

from bot.i18n import Html, catalog, placeholders, t
from handlers import registry


def test_same_keys_in_both_languages():
    assert set(catalog("vi")) == set(catalog("en"))


def test_same_placeholders_per_key():
    vi, en = catalog("vi"), catalog("en")
    differing = [k for k in vi if placeholders(vi[k]) != placeholders(en.get(k, ""))]
    assert differing == []


@pytest.mark.parametrize("cmd", [c.name for c in registry.commands()])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_command_is_documented(cmd, lang):
    for prefix in ("help.cmd", "help.usage", "menu"):
        assert f"{prefix}.{cmd}" in catalog(lang), f"{prefix}.{cmd} missing in {lang}"
    assert 1 <= len(catalog(lang)[f"menu.{cmd}"]) <= 256


def test_vietnamese_is_written_with_diacritics():
    texts = " ".join(catalog("vi").values())
    assert re.search(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", texts)
    for word in ("Thư ký", "Trưởng ban", "Thành viên", "tham gia"):
        assert word in texts


def test_values_are_escaped_unless_marked_html():
    text = t("en", "join.done", name="<b>x</b> & <script>", agency=Html("<i>ok</i>"))
    assert "&lt;b&gt;x&lt;/b&gt; &amp; &lt;script&gt;" in text
    assert "<i>ok</i>" in text


def test_tags_in_catalogs_are_balanced():
    for lang in ("vi", "en"):
        for key, text in catalog(lang).items():
            for tag in ("b", "i", "code"):
                opened = len(re.findall(rf"<{tag}>", text))
                assert opened == text.count(f"</{tag}>"), (lang, key)
