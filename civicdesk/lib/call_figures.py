"""Call figures, defined once (DESIGN.md "Figures defined once"; docs/call-figures.md).

Every page, export and API that shows a figure about calls (telephony now; chat and insights later) counts
queue visits into :class:`CallCounts`, adds counts up with ``+``, and derives ratios last, from the counts
alone: a percentage is never averaged. A ratio whose denominator is 0 is ``None`` ("no figure"), never 0.

T is the service-level threshold (default 120 s, per queue) and s the short-abandon threshold (default 5 s);
both travel with the counts (``threshold_s``, ``short_abandon_s``) so an old report stays reproducible.

Pure Python; no Django.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields

__all__ = [
    "DEFAULT_SERVICE_LEVEL_S",
    "DEFAULT_SHORT_ABANDON_S",
    "SERVICE_LEVELS",
    "CallCounts",
    "CallFigures",
    "add_up",
    "ratio",
]

DEFAULT_SERVICE_LEVEL_S = 120
DEFAULT_SHORT_ABANDON_S = 5

# The service-level variants by name, each with its definition (the docstrings of CallCounts say the same).
SERVICE_LEVELS: dict[str, str] = {
    "default": "answered within T ÷ (offered − short abandons)",
    "offered": "answered within T ÷ offered",
    "answered": "answered within T ÷ answered",
    "asterisk_sl2": "(answered within T + abandoned within T) ÷ (answered + abandoned)",
}

_SUMMED = (
    "offered",
    "answered",
    "answered_within_threshold",
    "abandoned",
    "abandoned_within_threshold",
    "short_abandoned",
    "timeouts",
    "exits_by_key",
    "no_agents",
    "transferred",
    "callbacks",
    "total_wait_answered_s",
    "total_handling_s",
    "handled",
)


def ratio(numerator: float, denominator: float) -> float | None:
    """``numerator ÷ denominator`` as a share from 0 to 1; ``None`` when the denominator is 0 (no figure)."""
    if not denominator:
        return None
    return numerator / denominator


@dataclass(frozen=True)
class CallCounts:
    """What happened to a set of queue visits, as counts and sums that add up across queues and intervals.

    - ``offered``: visits that ended (a call still waiting at the end of the period is in progress, not
      offered yet): answered + abandoned + timeouts + exits by key + "no agents" exits.
    - ``answered``: connected to an agent; ``answered_within_threshold``: answered with wait ≤ T.
    - ``abandoned``: the caller hung up in the queue; ``short_abandoned``: abandoned with wait < s;
      ``abandoned_within_threshold``: abandoned with wait ≤ T (only Asterisk's SL2 uses it).
    - ``timeouts``, ``exits_by_key`` (callback or voicemail) and ``no_agents`` exits are counted on their
      own, never as abandoned.
    - ``transferred``: visits that ended in a transfer; ``callbacks``: visits whose caller asked for a
      callback.
    - ``total_wait_answered_s``: the waits of the answered visits, added up (for ASA).
    - ``handled``: answered visits whose talk has ended; ``total_handling_s``: their talk + hold + wrap-up,
      added up (for AHT). A talk still going on is answered but not handled yet.
    - ``longest_wait_s``: the longest wait of any offered visit, answered or not (``None``: none offered).
    - ``threshold_s`` / ``short_abandon_s``: the T and s the counts were made with; ``None`` when counts
      made with different thresholds were added up (``thresholds_s`` / ``short_abandons_s`` list them all)
      or when no threshold was given.
    """

    offered: int = 0
    answered: int = 0
    answered_within_threshold: int = 0
    abandoned: int = 0
    abandoned_within_threshold: int = 0
    short_abandoned: int = 0
    timeouts: int = 0
    exits_by_key: int = 0
    no_agents: int = 0
    transferred: int = 0
    callbacks: int = 0
    total_wait_answered_s: float = 0.0
    total_handling_s: float = 0.0
    handled: int = 0
    longest_wait_s: float | None = None
    threshold_s: int | None = None
    short_abandon_s: int | None = None
    thresholds_s: tuple[int, ...] = ()
    short_abandons_s: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.threshold_s is not None and not self.thresholds_s:
            object.__setattr__(self, "thresholds_s", (self.threshold_s,))
        if self.short_abandon_s is not None and not self.short_abandons_s:
            object.__setattr__(self, "short_abandons_s", (self.short_abandon_s,))

    def __add__(self, other: CallCounts) -> CallCounts:
        """Counts and sums add; the longest wait is the longer one; thresholds are kept, all of them."""
        if not isinstance(other, CallCounts):
            return NotImplemented
        added = {name: getattr(self, name) + getattr(other, name) for name in _SUMMED}
        waits = [w for w in (self.longest_wait_s, other.longest_wait_s) if w is not None]
        thresholds = tuple(sorted(set(self.thresholds_s) | set(other.thresholds_s)))
        short = tuple(sorted(set(self.short_abandons_s) | set(other.short_abandons_s)))
        return CallCounts(
            **added,
            longest_wait_s=max(waits) if waits else None,
            threshold_s=thresholds[0] if len(thresholds) == 1 else None,
            short_abandon_s=short[0] if len(short) == 1 else None,
            thresholds_s=thresholds,
            short_abandons_s=short,
        )

    # --- Figures, derived from the counts only ---------------------------------------------------------------

    def service_level(self, variant: str = "default") -> float | None:
        """The share of calls served within T, by the variant's definition (``SERVICE_LEVELS``):

        - ``default``: answered within T ÷ (offered − short abandons)
        - ``offered``: answered within T ÷ offered
        - ``answered``: answered within T ÷ answered
        - ``asterisk_sl2``: (answered within T + abandoned within T) ÷ (answered + abandoned), as Asterisk's
          app_queue counts its second service level (SL2, ``ServicelevelPerf2``)

        ``None`` when the denominator is 0; ``ValueError`` for an unknown variant."""
        if variant == "default":
            return ratio(self.answered_within_threshold, self.offered - self.short_abandoned)
        if variant == "offered":
            return ratio(self.answered_within_threshold, self.offered)
        if variant == "answered":
            return ratio(self.answered_within_threshold, self.answered)
        if variant == "asterisk_sl2":
            return ratio(
                self.answered_within_threshold + self.abandoned_within_threshold, self.answered + self.abandoned
            )
        raise ValueError(f"unknown service level variant {variant!r}; known: {', '.join(SERVICE_LEVELS)}")

    @property
    def abandonment_rate(self) -> float | None:
        """(abandoned − short abandons) ÷ (offered − short abandons)."""
        return ratio(self.abandoned - self.short_abandoned, self.offered - self.short_abandoned)

    @property
    def lost(self) -> int:
        """Lost calls = offered − answered (abandoned, timed out, left by key or for want of agents)."""
        return self.offered - self.answered

    @property
    def lost_rate(self) -> float | None:
        """Lost calls ÷ offered (the shared centre's "125 of 10,145", 1.2 %)."""
        return ratio(self.lost, self.offered)

    @property
    def asa_s(self) -> float | None:
        """Average speed of answer = total wait of answered calls ÷ answered."""
        return ratio(self.total_wait_answered_s, self.answered)

    @property
    def aht_s(self) -> float | None:
        """Average handling time = (talk + hold + wrap-up) ÷ handled."""
        return ratio(self.total_handling_s, self.handled)

    def figures(self, service_level: str = "default") -> CallFigures:
        """Every figure at once, with the service level of the named variant."""
        return CallFigures(
            counts=self,
            service_level_variant=service_level,
            service_level=self.service_level(service_level),
            abandonment_rate=self.abandonment_rate,
            lost=self.lost,
            lost_rate=self.lost_rate,
            asa_s=self.asa_s,
            aht_s=self.aht_s,
        )


@dataclass(frozen=True)
class CallFigures:
    """The figures derived from ``counts`` by :class:`CallCounts`' definitions, for the doors (API, pages,
    exports) to show. Ratios are shares from 0 to 1, times in seconds; ``None`` where there is no figure."""

    counts: CallCounts
    service_level_variant: str
    service_level: float | None
    abandonment_rate: float | None
    lost: int
    lost_rate: float | None
    asa_s: float | None
    aht_s: float | None

    def as_dict(self) -> dict:
        """Counts and figures in one flat mapping (the thresholds included)."""
        flat = {f.name: getattr(self.counts, f.name) for f in fields(CallCounts)}
        flat.update({f.name: getattr(self, f.name) for f in fields(self) if f.name != "counts"})
        return flat


def add_up(counts: Iterable[CallCounts]) -> CallCounts:
    """All the counts added up (empty counts for none)."""
    total = CallCounts()
    for each in counts:
        total = total + each
    return total
