"""Who calls, when and about what: the patterns the simulated phone system draws its calls from.

The default patterns follow the seed articles: Örebro's contact centre takes 6,000–7,000 calls a week,
answers 70–80 % within 120 s; the Nordhordland shared centre lost 125 of 10,145 calls in six months and is
asked most about building permits, surveying and planning. Calls come on weekdays in opening hours, with a
peak in the morning and a smaller one after lunch.
"""

import math
import random
from dataclasses import dataclass, field

# Share of a weekday's calls in each opening hour (local time), morning peak, smaller one after lunch.
HOURLY_SHARES = {8: 0.16, 9: 0.17, 10: 0.15, 11: 0.12, 12: 0.11, 13: 0.12, 14: 0.10, 15: 0.07}
WEEKDAY_SHARES = (0.24, 0.21, 0.19, 0.19, 0.17, 0.0, 0.0)  # Monday heaviest; closed at weekends


@dataclass(frozen=True)
class CallerPattern:
    """How a centre's callers behave. ``choices`` maps IVR digits to weights; ``languages`` the callers'
    languages to weights; times are means in seconds."""

    calls_per_week: float
    choices: dict[str, float]
    languages: dict[str, float]
    patience_s: float = 240.0
    talk_s: float = 240.0
    ring_s: float = 4.0
    repeat_share: float = 0.06
    callback_share: float = 0.5  # of callers offered a callback, those who take it
    country_code: str = "+47"

    def rate_per_s(self, weekday: int, hour: int) -> float:
        """Expected calls per second in that hour of that weekday."""
        return self.calls_per_week * WEEKDAY_SHARES[weekday] * HOURLY_SHARES.get(hour, 0.0) / 3600


NORDHORDLAND = CallerPattern(
    calls_per_week=10_145 / 26,  # six months of the shared centre
    choices={"1": 0.45, "2": 0.18, "3": 0.12, "0": 0.2, "9": 0.05},
    languages={"nb": 0.9, "en": 0.05, "pl": 0.05},
    patience_s=1200.0,
)
OREBRO = CallerPattern(
    calls_per_week=6_500,
    choices={"1": 0.3, "2": 0.25, "3": 0.2, "4": 0.15, "0": 0.1},
    languages={"sv": 0.82, "en": 0.05, "ar": 0.04, "so": 0.03, "fi": 0.02, "ti": 0.02, "fa": 0.01, "swl": 0.01},
    patience_s=200.0,
    talk_s=210.0,
    country_code="+46",
)
PATTERNS = {"nordhordland": NORDHORDLAND, "orebro": OREBRO}


@dataclass
class Caller:
    """One simulated call before it reaches the phone system."""

    call_id: str
    dialed_number: str
    caller_number: str
    ivr_choice: str
    language: str
    patience_s: float
    talk_s: float
    ring_s: float
    takes_callback: bool


@dataclass
class CallerSource:
    """Draws callers from a pattern; ``numbers`` are the dialled numbers with weights. Seeded, so a run can
    be repeated."""

    pattern: CallerPattern
    numbers: dict[str, float]
    seed: int = 1
    prefix: str = "sim"
    rng: random.Random = field(init=False)
    recent: list[str] = field(init=False, default_factory=list)
    count: int = field(init=False, default=0)

    def __post_init__(self):
        self.rng = random.Random(self.seed)  # noqa: S311 - simulated callers, not secrets

    def _pick(self, weights: dict[str, float]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def caller(self) -> Caller:
        self.count += 1
        rng, pattern = self.rng, self.pattern
        if self.recent and rng.random() < pattern.repeat_share:
            number = rng.choice(self.recent)
        else:
            number = f"{pattern.country_code}9{rng.randrange(1_000_000, 9_999_999)}"
            self.recent = [*self.recent[-49:], number]
        # Talk times are skewed: most calls are short, a few long (log-normal with the pattern's mean).
        sigma = 0.6
        talk = rng.lognormvariate(math.log(pattern.talk_s) - sigma**2 / 2, sigma)
        return Caller(
            call_id=f"{self.prefix}-{self.seed}-{self.count}-{rng.randrange(16**6):06x}",
            dialed_number=self._pick(self.numbers),
            caller_number=number,
            ivr_choice=self._pick(pattern.choices),
            language=self._pick(pattern.languages),
            patience_s=rng.expovariate(1 / pattern.patience_s),
            talk_s=max(20.0, talk),
            ring_s=rng.uniform(0.5, 2) * pattern.ring_s,
            takes_callback=rng.random() < pattern.callback_share,
        )

    def gap_s(self, rate_per_s: float) -> float:
        """Seconds to the next call at this rate (Poisson arrivals); infinite when closed."""
        return self.rng.expovariate(rate_per_s) if rate_per_s > 0 else math.inf
