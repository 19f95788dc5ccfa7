"""Per-municipality colour theme for Designsystemet.

``theme_css("#0062ba")`` returns a CSS block that re-brands the Designsystemet
"accent" colour (default buttons, links, focus surfaces) for light mode. Load it
after ``index.css`` and the default theme CSS.

The colour scale is a port of the Designsystemet CLI (``@digdir/designsystemet``
1.15.0, ``src/colors/theme.ts`` ``generateColorScale(color, "light")``), including
the parts of chroma-js 3.2 (``Color.luminance(target)``: bisection in RGB toward
black or white) and hsluv 1.0 (HSLuv lightness ↔ luminance) that it relies on.
Rounding follows JavaScript's ``Math.round`` so the output is the CLI's, hex for
hex. Each step is a luminance target, so text colours keep the CLI's WCAG AA
contrast (4.5:1) against the backgrounds they are meant for.

Standard library only.
"""

from __future__ import annotations

import math
import re

__all__ = ["accent_scale", "theme_css"]

_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")

# Designsystemet's 16 colour steps and their light-mode relative luminance
# targets (colorMetadata.ts). ``None`` marks the base-* steps, which are derived
# from the brand colour itself rather than from a fixed luminance.
_LIGHT_LUMINANCE: dict[str, float | None] = {
    "background-default": 1,
    "background-tinted": 0.9,
    "surface-default": 1,
    "surface-tinted": 0.81,
    "surface-hover": 0.7,
    "surface-active": 0.59,
    "border-subtle": 0.5,
    "border-default": 0.19,
    "border-strong": 0.11,
    "text-subtle": 0.11,
    "text-default": 0.0245,
    "base-default": None,
    "base-hover": None,
    "base-active": None,
    "base-contrast-subtle": None,
    "base-contrast-default": None,
}

_WHITE = "#ffffff"
_BLACK = "#000000"

RGB = tuple[float, float, float]


# --- JavaScript / chroma-js primitives -------------------------------------


def _js_round(value: float) -> int:
    """``Math.round``: nearest integer, halves toward +infinity."""
    floor = math.floor(value)
    return floor + 1 if value - floor >= 0.5 else floor


def _parse_hex(colour: str) -> tuple[int, int, int]:
    number = int(colour[1:], 16)
    return number >> 16, (number >> 8) & 0xFF, number & 0xFF


def _to_hex(rgb: RGB) -> str:
    r, g, b = (min(max(_js_round(channel), 0), 255) for channel in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"


def _luminance_channel(value: float) -> float:
    value /= 255
    return value / 12.92 if value <= 0.03928 else math.pow((value + 0.055) / 1.055, 2.4)


def _luminance(rgb: RGB) -> float:
    """chroma-js ``Color.luminance()``: WCAG 2.0 relative luminance."""
    r, g, b = (_luminance_channel(channel) for channel in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _hex_luminance(colour: str) -> float:
    return _luminance(_parse_hex(colour))


def _contrast(colour_a: str, colour_b: str) -> float:
    """chroma-js ``chroma.contrast``: WCAG contrast ratio of two hex colours."""
    lum_a = _hex_luminance(colour_a)
    lum_b = _hex_luminance(colour_b)
    return (lum_a + 0.05) / (lum_b + 0.05) if lum_a > lum_b else (lum_b + 0.05) / (lum_a + 0.05)


def _midpoint(low: float, high: float) -> float:
    """One channel of chroma-js ``low.interpolate(high, 0.5, "rgb")``, clipped to 0–255."""
    return min(max(low + 0.5 * (high - low), 0.0), 255.0)


def _with_luminance(colour: str, target: float) -> str:
    """chroma-js ``chroma(colour).luminance(target).hex()`` (RGB interpolation mode)."""
    if target == 0:
        return _BLACK
    if target == 1:
        return _WHITE
    start: RGB = _parse_hex(colour)
    low, high = ((0.0, 0.0, 0.0), start) if _luminance(start) > target else (start, (255.0, 255.0, 255.0))
    iterations_left = 20
    while True:
        mid: RGB = (_midpoint(low[0], high[0]), _midpoint(low[1], high[1]), _midpoint(low[2], high[2]))
        mid_luminance = _luminance(mid)
        if abs(target - mid_luminance) < 1e-7 or iterations_left == 0:
            return _to_hex(mid)
        iterations_left -= 1
        if mid_luminance > target:
            high = mid
        else:
            low = mid


# --- hsluv primitives ---------------------------------------------------------

_REF_U = 0.19783000664283
_REF_V = 0.46831999493879
_KAPPA = 903.2962962
_EPSILON = 0.0088564516


def _srgb_to_linear(value: float) -> float:
    return math.pow((value + 0.055) / 1.055, 2.4) if value > 0.04045 else value / 12.92


def _linear_to_srgb(value: float) -> float:
    return 12.92 * value if value <= 0.0031308 else 1.055 * math.pow(value, 1 / 2.4) - 0.055


def _lightness(colour: str) -> float:
    """HSLuv lightness (0–100) of a hex colour, as ``Hsluv.hexToHsluv`` computes it."""
    r, g, b = (_srgb_to_linear(channel / 255.0) for channel in _parse_hex(colour))
    y = 0.21263900587151 * r + 0.71516867876775 * g + 0.072192315360733 * b
    lightness = y * _KAPPA if y <= _EPSILON else 116 * math.pow(y, 1 / 3) - 16
    if lightness > 99.9999999:
        return 100.0
    if lightness < 0.00000001:
        return 0.0
    return lightness


def _luminance_from_lightness(lightness: float) -> float:
    """Relative luminance of the grey with this HSLuv lightness (``getLuminanceFromLightness``).

    Goes through the grey's hex, as the CLI does, so the result is quantised to 8 bits.
    """
    if lightness > 99.9999999:
        lightness = 100.0
    elif lightness < 0.00000001:
        return _hex_luminance(_BLACK)
    # Hue 0 and saturation 0 give chroma 0, so u = v = 0 and the chromaticity is the reference white.
    y = lightness / _KAPPA if lightness <= 8 else math.pow((lightness + 16) / 116, 3)
    x = 0 - 9 * y * _REF_U / ((_REF_U - 4) * _REF_V - _REF_U * _REF_V)
    z = (9 * y - 15 * _REF_V * y - _REF_V * x) / (3 * _REF_V)
    r = _linear_to_srgb(3.240969941904521 * x + -1.537383177570093 * y + -0.498610760293 * z)
    g = _linear_to_srgb(-0.96924363628087 * x + 1.87596750150772 * y + 0.041555057407175 * z)
    b = _linear_to_srgb(0.055630079696993 * x + -0.20397695888897 * y + 1.056971514242878 * z)
    return _hex_luminance(_to_hex((r * 255, g * 255, b * 255)))


# --- Designsystemet colour scale -------------------------------------------------


def _base_colours(colour: str) -> tuple[str, str, str]:
    """``generateBaseColors(colour, "light")``: default, hover and active."""
    lightness = _lightness(colour)
    modifier = -8 if lightness <= 30 or 49 <= lightness <= 65 else 8
    hover = _with_luminance(colour, _luminance_from_lightness(lightness - modifier))
    active = _with_luminance(colour, _luminance_from_lightness(lightness - modifier * 2))
    return colour, hover, active


def _contrast_default(colour: str) -> str:
    return _WHITE if _contrast(colour, _WHITE) >= _contrast(colour, _BLACK) else _BLACK


def _contrast_subtle(colour: str) -> str:
    lightness = _lightness(colour)
    modifier = 60 if lightness <= 40 or lightness >= 60 else 50
    towards_white = _contrast(colour, _WHITE) >= _contrast(colour, _BLACK)
    target = lightness + modifier if towards_white else lightness - modifier
    return _with_luminance(colour, _luminance_from_lightness(target))


def _validated(brand_colour: str) -> str:
    if not isinstance(brand_colour, str) or not _HEX_COLOUR.fullmatch(brand_colour):
        raise ValueError(f"brand colour must be a hex colour like '#0062ba', got {brand_colour!r}")
    return brand_colour.lower()


def accent_scale(brand_colour: str) -> dict[str, str]:
    """Return the light-mode accent custom properties (``--ds-color-accent-*`` → ``#rrggbb``).

    Raises ``ValueError`` unless ``brand_colour`` is ``#rrggbb`` (either case).
    """
    colour = _validated(brand_colour)
    steps = {name: _with_luminance(colour, target) for name, target in _LIGHT_LUMINANCE.items() if target is not None}
    default, hover, active = _base_colours(colour)
    steps["base-default"] = default
    steps["base-hover"] = hover
    steps["base-active"] = active
    steps["base-contrast-subtle"] = _contrast_subtle(default)
    steps["base-contrast-default"] = _contrast_default(default)
    return {f"--ds-color-accent-{name}": steps[name] for name in _LIGHT_LUMINANCE}


def theme_css(brand_colour: str) -> str:
    """Return CSS that gives the accent colour the municipality's brand in light mode.

    The declarations go into Designsystemet's own ``ds.theme.color-scheme.light``
    cascade layer with the CLI's selectors, so a sheet loaded after the default
    theme wins over it while dark mode (a later layer) is left alone.
    """
    lines = [f"{name}: {value};" for name, value in accent_scale(brand_colour).items()]
    declarations = "".join(f"  {line}\n" for line in lines)
    nested = "".join(f"    {line}\n" for line in lines)
    return (
        "@layer ds.theme.color-scheme.light {\n"
        ':root, [data-color-scheme="light"] {\n'
        f"{declarations}"
        "}\n"
        "@media (prefers-color-scheme: light) {\n"
        '  [data-color-scheme="auto"] {\n'
        f"{nested}"
        "  }\n"
        "}\n"
        "}\n"
    )
