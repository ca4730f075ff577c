"""Choosing among candidate renders: auto layout order and early exit, kit treatments, visibly
distinct variants, headlines."""

from __future__ import annotations

import io
import itertools

import pytest
from PIL import Image

from renderer import InputError
from renderer.api import generate
from renderer.choose.candidates import TREATMENTS, Candidate, auto_layouts, treated_kit, variant_candidates
from renderer.choose.job import RenderJob
from renderer.choose.pick import DISTINCT_MIN, LAYOUT_DISTANCE, PERFECT, Scored, distance
from renderer.choose.scoring import choose
from renderer.formats import get_format
from renderer.judge import Quality
from renderer.request import parse_request


def picture(thumbnail) -> Image.Image:
    return Image.open(io.BytesIO(thumbnail.data)).convert("RGB")


def job_for(renderer, title: str, **body) -> RenderJob:
    request = parse_request({"title": title, **body})
    kit = renderer.kit(request.custom_assets_id or "default")
    return RenderJob(renderer.compose_scene, renderer.prepare_layout, renderer._assets, renderer.fonts, request, kit,
                     get_format(request.format))


def test_auto_candidates_start_with_the_heuristic_pick_and_suit_the_photo(renderer):
    names = [layout.spec.name for layout in auto_layouts("7 Python tricks", "youtube", renderer.layouts)]
    assert names[0] == "youtube-listicle"  # a leading number: the heuristics' listicle first
    assert "youtube-split" not in names  # no photo: a layout with an empty photo slot is no candidate
    faceless = sorted(name for name, layout in renderer.layouts.items()
                      if layout.spec.format == "youtube" and not any(layer.kind == "photo" for layer in layout.spec.layers)
                      and layout.spec.picture is None)  # no picture: a layout that takes one is no candidate
    assert sorted(names) == faceless and {"youtube-bold", "youtube-listicle", "youtube-minimal"} <= set(names)
    with_photo = [layout.spec.name for layout in auto_layouts("7 Python tricks", "youtube", renderer.layouts, use_photo=True)]
    assert with_photo == ["youtube-split"]
    preferred = [layout.spec.name for layout in auto_layouts(
        "Why your code is slow", "youtube", renderer.layouts, preferred=("youtube-minimal",))]
    assert preferred[:2] == ["youtube-bold", "youtube-minimal"]  # the title's pick, then the kit's preference


def test_auto_stops_at_the_first_perfect_candidate_and_ties_go_to_the_heuristics(renderer):
    job = job_for(renderer, "7 Python tricks you did not know")
    layouts = auto_layouts(job.request.title, "youtube", renderer.layouts)
    looked: list[str] = []
    judged: list[str] = []

    def judge_plan(plan):  # test judges: every render perfect
        looked.append(plan.layout)
        return Quality(PERFECT, ())

    def judge(image, plan):
        judged.append(plan.layout)
        return Quality(PERFECT, ())

    [(composed, plan)] = choose(job, layouts, judge=judge, judge_plan=judge_plan)
    assert looked == ["youtube-listicle"] and judged == []  # perfect on the plan: the pixels are not judged
    assert plan.layout == "youtube-listicle" and plan.quality is None  # judged later, when asked
    assert [(c.layout, c.treatment, c.score) for c in plan.candidates] == [("youtube-listicle", "kit", PERFECT)]


def test_a_finding_on_the_plan_has_every_candidate_judged_on_its_pixels(renderer):
    job = job_for(renderer, "7 Python tricks you did not know")
    layouts = auto_layouts(job.request.title, "youtube", renderer.layouts)
    judged: list[str] = []

    def judge(image, plan):
        judged.append(plan.layout)
        return Quality(PERFECT if plan.layout == "youtube-minimal" else 92, ())

    [(composed, plan)] = choose(job, layouts, judge=judge, judge_plan=lambda plan: Quality(92, ()))
    names = [layout.spec.name for layout in layouts]
    # every candidate up to the first perfect one is judged on its pixels; the rest cannot beat it
    assert judged == names[:names.index("youtube-minimal") + 1] and plan.layout == "youtube-minimal"
    assert plan.quality == Quality(PERFECT, ())  # the report it was chosen by stays with it


def test_auto_picks_the_best_score_and_records_every_candidate(renderer):
    job = job_for(renderer, "7 Python tricks you did not know")
    scores = {"youtube-listicle": 62, "youtube-bold": 92, "youtube-minimal": 92}  # a test judge's verdicts
    layouts = [layout for layout in auto_layouts(job.request.title, "youtube", renderer.layouts) if layout.spec.name in scores]

    [(composed, plan)] = choose(job, layouts, judge=lambda image, plan: Quality(scores[plan.layout], ()),
                                judge_plan=lambda plan: Quality(scores[plan.layout], ()))
    assert plan.layout == "youtube-bold"  # the best; youtube-minimal ties but comes later in the order
    assert [(c.layout, c.score) for c in plan.candidates] == [(layout.spec.name, scores[layout.spec.name]) for layout in layouts]
    assert composed.image.size == (1280, 720)


def test_auto_leaves_the_heuristics_pick_when_the_judge_finds_a_better_layout(renderer):
    # a URL with no break point in its query: the bold layout fits it a pixel under the legible size
    thumbnail = renderer.render("https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    scores = [c.score for c in thumbnail.plan.candidates]
    first = auto_layouts("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube", renderer.layouts)[0].spec.name
    assert thumbnail.plan.candidates[0].layout == first and scores[0] < PERFECT
    assert thumbnail.layout != first and thumbnail.quality.score == max(scores) == PERFECT
    assert thumbnail.quality.score > renderer.render("https://www.youtube.com/watch?v=dQw4w9WgXcQ", layout=first).quality.score


def test_treatments_keep_to_the_kit_colours(renderer):
    kit = renderer.kit("default")
    palette = kit.spec.palette
    ground = treated_kit(kit, "accent-ground").spec
    assert (ground.palette.background, ground.palette.text, ground.palette.accent) == (palette.accent, palette.on_accent, palette.background)
    assert set(ground.palette.model_dump().values()) <= set(palette.model_dump().values())
    assert treated_kit(kit, "swap-emphasis").spec.style.emphasis == "highlight"  # the default kit colours words
    assert treated_kit(treated_kit(kit, "swap-emphasis"), "swap-emphasis").spec.style.emphasis == "color"
    assert treated_kit(kit, "kit") is kit
    with pytest.raises(InputError, match="treatment must be one of"):
        treated_kit(kit, "neon")
    order = variant_candidates(auto_layouts("Why your code is slow", "youtube", renderer.layouts))
    assert [c.treatment for c in order[:3]] == ["kit"] * 3 and {c.treatment for c in order} == set(TREATMENTS)


@pytest.mark.parametrize("title, brand, fmt", [
    ("The *secret* to fast builds in 2025", "default", "youtube"),
    ("How I *doubled* my sales in 30 days", "sunrise", "youtube"),
    ("Why your Kubernetes cluster is slow", "techpulse", "instagram"),
])
def test_variants_are_visibly_distinct_and_the_best_comes_first(renderer, title, brand, fmt):
    thumbnails = renderer.variants(title, count=4, brand=brand, format=fmt, output_format="png")
    assert len(thumbnails) == 4
    scored = [Scored(None, t.layout, t.quality.score, picture(t)) for t in thumbnails]
    for a, b in itertools.combinations(scored, 2):
        assert distance(a, b) >= DISTINCT_MIN, (a.layout, b.layout)
    assert [t.quality.score for t in thumbnails] == sorted((t.quality.score for t in thumbnails), reverse=True)
    assert thumbnails[0].layout == renderer.render(title, brand=brand, format=fmt).layout  # the best is auto's choice
    assert len({t.layout for t in thumbnails[:3]}) == 3  # other layouts come before other colours
    again = renderer.variants(title, count=4, brand=brand, format=fmt, output_format="png")
    assert [t.data for t in again] == [t.data for t in thumbnails]  # deterministic


def test_distance_tells_near_identical_renders_apart(renderer):
    title = "Why your code is slow"
    plain = renderer.render(title, layout="youtube-bold", output_format="png")
    emphasised = renderer.render("Why your *code* is slow", layout="youtube-bold", output_format="png")
    same = distance(Scored(None, "a", 0, picture(plain)), Scored(None, "a", 0, picture(plain)))
    one_word = distance(Scored(None, "a", 0, picture(plain)), Scored(None, "a", 0, picture(emphasised)))
    assert same == 0.0 and one_word < DISTINCT_MIN  # one recoloured word is no A/B test
    other_layout = distance(Scored(None, "a", 0, picture(plain)), Scored(None, "b", 0, picture(plain)))
    assert other_layout == LAYOUT_DISTANCE


def test_fewer_variants_when_no_more_differ(renderer):
    # one layout, and a title without emphasis: swapping the emphasis changes nothing
    thumbnails = renderer.variants("Why this works", count=6, layout="youtube-bold")
    assert [t.plan.treatment for t in thumbnails] == ["kit", "accent-ground"]


def test_generate_adds_the_variants_best_first():
    body = generate("The *secret* to fast builds in 2025", variants=3)
    assert len(body["variants"]) == 3 and body["variants"][0]["image"] == body["image"]
    assert [set(v) for v in body["variants"]] == [{"image", "layout", "score"}] * 3
    assert len({v["layout"] for v in body["variants"]}) == 3
    with pytest.raises(InputError, match="variants must be a whole number from 1 to 6"):
        generate("x", variants=7)


def test_a_headline_is_drawn_instead_of_the_title(renderer):
    thumbnail = renderer.render("A very long title about many things", headline="*Short* one", layout="youtube-bold")
    drawn = " ".join("".join(s.text for s in line.segments) for line in thumbnail.plan.texts[0].lines)
    assert drawn == "SHORT ONE"


LONG = ("A beginner's guide to Kubernetes: pods, services, deployments, ingress controllers, helm charts, operators "
        "and everything in between explained")


def test_headline_auto_shortens_only_an_illegible_title(renderer):
    legible = renderer.render("Why your code is slow", headline="auto")
    assert not any("headline" in w for w in legible.warnings)
    assert " ".join(s.text for s in legible.plan.texts[0].lines[0].segments).startswith("WHY")
    long = renderer.render(LONG, layout="youtube-split", headline="auto")
    drawn = " ".join("".join(s.text for s in line.segments) for line in long.plan.texts[-1].lines)
    assert drawn == "KUBERNETES" and any(w.startswith("headline auto: drew 'Kubernetes'") for w in long.warnings)
    plain = renderer.render(LONG, layout="youtube-split")
    assert plain.plan.headline_suggestion == "Kubernetes"
    (advice,) = [f for f in plain.quality.findings if f.code == "headline_suggested"]
    assert "such as 'Kubernetes'" in advice.message
    assert "headline_suggested" not in long.quality.codes
