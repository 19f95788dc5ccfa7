"""Tests for the per-municipality Designsystemet theme generator.

The golden files hold the light-mode ``--ds-color-accent-*`` values that the real
Designsystemet CLI (``@digdir/designsystemet@1.15.0``) produced with::

    npx designsystemet tokens create --config designsystemet.config.json --clean
    npx designsystemet tokens build -t ./design-tokens -o ./build --clean

for a config whose theme has ``"main": {"accent": "#<hex>"}``, ``"support": {}`` and
``"neutral": "#1e2b3c"``, copied from the ``:root, [data-color-scheme="light"]``
block of ``build/<theme>.css``. The Python port must match them exactly.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from civicdesk.lib.theme import accent_scale, theme_css

GOLDEN_DIR = Path(__file__).parent / "golden"
GOLDEN_FILES = sorted(GOLDEN_DIR.glob("theme_*.json"))

# (text, background) pairs for which the CLI's luminance targets give at least 4.5:1.
TEXT_ON_BACKGROUND = [
    *(
        ("text-default", background)
        for background in (
            "background-default",
            "background-tinted",
            "surface-default",
            "surface-tinted",
            "surface-hover",
            "surface-active",
        )
    ),
    *(
        ("text-subtle", background)
        for background in ("background-default", "background-tinted", "surface-default", "surface-tinted")
    ),
    ("base-contrast-default", "base-default"),
]


def _relative_luminance(colour: str) -> float:
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def _contrast_ratio(colour_a: str, colour_b: str) -> float:
    darker, lighter = sorted((_relative_luminance(colour_a), _relative_luminance(colour_b)))
    return (lighter + 0.05) / (darker + 0.05)


def _brand_colour(golden_file: Path) -> str:
    return "#" + golden_file.stem.removeprefix("theme_")


def _sample_brand_colours() -> list[str]:
    rng = random.Random(20250101)
    return [f"#{rng.randrange(1 << 24):06x}" for _ in range(300)] + ["#000000", "#ffffff", "#777777"]


def test_golden_files_exist_for_three_brand_colours():
    assert len(GOLDEN_FILES) >= 3


@pytest.mark.parametrize("golden_file", GOLDEN_FILES, ids=lambda path: path.stem)
def test_theme_matches_designsystemet_cli_for_brand_colour(golden_file):
    expected = json.loads(golden_file.read_text())

    assert accent_scale(_brand_colour(golden_file)) == expected


@pytest.mark.parametrize("golden_file", GOLDEN_FILES, ids=lambda path: path.stem)
def test_theme_css_declares_every_cli_variable_for_light_mode(golden_file):
    expected = json.loads(golden_file.read_text())

    css = theme_css(_brand_colour(golden_file))

    root_block = re.search(r':root, \[data-color-scheme="light"\] \{(.*?)\}', css, re.S)
    assert root_block is not None
    assert dict(re.findall(r"(--ds-color-accent-[a-z-]+): (#[0-9a-f]{6});", root_block.group(1))) == expected
    assert css.startswith("@layer ds.theme.color-scheme.light {")
    assert '[data-color-scheme="auto"]' in css


def test_uppercase_brand_colour_gives_the_same_theme_as_lowercase():
    assert theme_css("#A4123F") == theme_css("#a4123f")


@pytest.mark.parametrize(
    "bad_colour",
    [
        "",
        "0062ba",
        "#062b",
        "#0062bag",
        "#0062ba0",
        "#0062bz",
        "rgb(0, 98, 186)",
        "blue",
        " #0062ba",
        "#0062ba\n",
        None,
        0x0062BA,
    ],
)
def test_invalid_brand_colour_raises_value_error(bad_colour):
    with pytest.raises(ValueError):
        theme_css(bad_colour)


@pytest.mark.parametrize("golden_file", GOLDEN_FILES, ids=lambda path: path.stem)
@pytest.mark.parametrize(("text", "background"), TEXT_ON_BACKGROUND)
def test_text_on_background_reaches_wcag_aa_for_golden_brand_colours(golden_file, text, background):
    scale = accent_scale(_brand_colour(golden_file))

    ratio = _contrast_ratio(scale[f"--ds-color-accent-{text}"], scale[f"--ds-color-accent-{background}"])

    assert ratio >= 4.5


@pytest.mark.parametrize(("text", "background"), TEXT_ON_BACKGROUND)
def test_text_on_background_reaches_wcag_aa_for_any_brand_colour(text, background):
    for brand_colour in _sample_brand_colours():
        scale = accent_scale(brand_colour)

        ratio = _contrast_ratio(scale[f"--ds-color-accent-{text}"], scale[f"--ds-color-accent-{background}"])

        assert ratio >= 4.5, (brand_colour, ratio)
