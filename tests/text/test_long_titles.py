"""Long titles stay legible at feed size: goldens of hyphenated, URL and CJK long titles (made
like tests/compose/test_layout_goldens.py: same tolerance, ``--update-goldens`` to regenerate,
after looking at them), with the cap height at feed size checked on the plan."""

from __future__ import annotations

import pytest

from renderer.judge.legibility import text_bodies

LONG_TITLES = {
    # name: (title, layout, language)
    "long-hyphenated": ("Pneumonoultramicroscopicsilicovolcanoconiosis explained in *10* minutes", "youtube-bold", "auto"),
    "long-german": ("Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz *erklärt*", "instagram-bold", "de"),
    "long-url": ("https://github.com/thumbkit/renderer/blob/main/renderer/textfit.py", "youtube-minimal", "auto"),
    "long-cjk": ("为什么你的Python代码在生产环境中运行得这么慢以及如何用十个简单的技巧让它快十倍", "youtube-minimal", "auto"),
}


@pytest.mark.parametrize("name", list(LONG_TITLES))
def test_long_title_matches_its_golden_and_is_legible_at_feed_size(renderer, golden, name):
    title, layout, language = LONG_TITLES[name]
    fmt = layout.split("-")[0]
    thumbnail = renderer.render(title, format=fmt, layout=layout, language=language, output_format="png")
    (text,) = thumbnail.plan.texts
    (body,) = text_bodies(thumbnail.plan, format=fmt, fonts=renderer.fonts)  # measured as the judge does
    assert body.feed_px >= body.limits.legible_px - 0.1, f"{name}: letters {body.feed_px:.1f} px tall at feed size"
    assert not text.truncated and not text.broke_words
    assert "legibility_feed" not in thumbnail.quality.codes
    golden.check(name, thumbnail.data, plan=thumbnail.plan, mean_tolerance=1.5, changed_fraction=0.005)


def test_hyphens_are_drawn_only_at_dictionary_points(renderer):
    thumbnail = renderer.render(LONG_TITLES["long-german"][0], format="instagram", layout="instagram-bold", language="de")
    lines = ["".join(s.text for s in line.segments) for line in thumbnail.plan.texts[0].lines]
    assert lines[-1].endswith("ERKLÄRT") and all(line.endswith("-") for line in lines[:-2])
    assert "".join(line[:-1] for line in lines[:-1]) + lines[-1].split(" ")[0] == \
        "RINDFLEISCHETIKETTIERUNGSÜBERWACHUNGSAUFGABENÜBERTRAGUNGSGESETZ"
