"""Call figures on hand-computed examples: every figure, every service-level variant, zero denominators,
and counts that add up (DESIGN.md "Figures defined once")."""

import pytest

from civicdesk.lib.call_figures import SERVICE_LEVELS, CallCounts, add_up, ratio

# One morning in the building queue (T = 120 s, s = 5 s), counted by hand from twenty visits:
#   12 answered: 9 of them within 120 s; their waits add up to 12 × 50 s = 600 s;
#      10 of them have finished talking, with talk + hold + wrap-up adding up to 10 × 300 s = 3,000 s
#    5 abandoned: 2 of them short (waited < 5 s), 3 of them within 120 s (the 2 short ones and one more)
#    1 timed out, 1 left by key for a callback, 1 left because no agents were logged in
#   offered = 12 + 5 + 1 + 1 + 1 = 20
MORNING = CallCounts(
    offered=20,
    answered=12,
    answered_within_threshold=9,
    abandoned=5,
    abandoned_within_threshold=3,
    short_abandoned=2,
    timeouts=1,
    exits_by_key=1,
    no_agents=1,
    transferred=2,
    callbacks=1,
    total_wait_answered_s=600.0,
    total_handling_s=3000.0,
    handled=10,
    longest_wait_s=410.0,
    threshold_s=120,
    short_abandon_s=5,
)


def test_the_default_service_level_leaves_short_abandons_out_of_the_denominator():
    # 9 ÷ (20 − 2) = 0.5
    assert MORNING.service_level() == 0.5
    assert MORNING.service_level("default") == 0.5


def test_the_service_level_of_offered_calls_divides_by_every_offered_call():
    # 9 ÷ 20 = 0.45
    assert MORNING.service_level("offered") == 0.45


def test_the_service_level_of_answered_calls_divides_by_the_answered_ones():
    # 9 ÷ 12 = 0.75
    assert MORNING.service_level("answered") == 0.75


def test_asterisks_sl2_counts_calls_abandoned_within_the_threshold_as_served():
    # (9 + 3) ÷ (12 + 5) = 12 ÷ 17
    assert MORNING.service_level("asterisk_sl2") == pytest.approx(12 / 17)


def test_an_unknown_service_level_variant_is_refused_by_name():
    with pytest.raises(ValueError, match="asterisk_sl2"):
        MORNING.service_level("sl3")
    assert set(SERVICE_LEVELS) == {"default", "offered", "answered", "asterisk_sl2"}


def test_the_abandonment_rate_leaves_short_abandons_out_of_both_sides():
    # (5 − 2) ÷ (20 − 2) = 3 ÷ 18
    assert MORNING.abandonment_rate == pytest.approx(1 / 6)


def test_lost_calls_are_offered_minus_answered_so_timeouts_and_exits_count_as_lost():
    # 20 − 12 = 8 (5 abandoned + 1 timeout + 1 exit by key + 1 no agents)
    assert MORNING.lost == 8
    assert MORNING.lost_rate == 0.4


def test_the_shared_centres_125_lost_of_10145_offered_is_1_2_percent():
    counts = CallCounts(offered=10_145, answered=10_020)
    assert counts.lost == 125
    assert round(counts.lost_rate * 100, 1) == 1.2


def test_asa_is_the_total_wait_of_answered_calls_over_answered_calls():
    # 600 s ÷ 12 = 50 s
    assert MORNING.asa_s == 50.0


def test_aht_is_talk_hold_and_wrap_up_over_the_calls_handled():
    # 3,000 s ÷ 10 = 300 s (the two talks still going on are answered, not handled yet)
    assert MORNING.aht_s == 300.0


def test_figures_with_nothing_to_divide_by_are_none_not_zero():
    nothing = CallCounts()
    assert nothing.service_level() is None
    assert nothing.service_level("offered") is None
    assert nothing.service_level("answered") is None
    assert nothing.service_level("asterisk_sl2") is None
    assert nothing.abandonment_rate is None
    assert nothing.lost == 0
    assert nothing.lost_rate is None
    assert nothing.asa_s is None
    assert nothing.aht_s is None
    assert nothing.longest_wait_s is None


def test_only_short_abandons_leave_no_default_service_level_but_an_offered_one():
    # 3 offered, all 3 short abandons: 0 ÷ (3 − 3) has no figure; 0 ÷ 3 = 0
    counts = CallCounts(offered=3, abandoned=3, short_abandoned=3, abandoned_within_threshold=3)
    assert counts.service_level() is None
    assert counts.abandonment_rate is None
    assert counts.service_level("offered") == 0.0
    assert counts.service_level("answered") is None
    assert counts.service_level("asterisk_sl2") == 1.0


def test_counts_add_up_and_ratios_are_taken_from_the_sums_not_averaged():
    # Queue A: 1 of 1 within T (100 %); queue B: 1 of 9 within T (11 %).
    # Averaging the percentages would say 55.6 %; the added counts say 2 of 10 = 20 %.
    a = CallCounts(offered=1, answered=1, answered_within_threshold=1, threshold_s=120, short_abandon_s=5)
    b = CallCounts(offered=9, answered=9, answered_within_threshold=1, threshold_s=120, short_abandon_s=5)
    total = a + b
    assert total.offered == 10
    assert total.answered_within_threshold == 2
    assert total.service_level() == 0.2


def test_adding_counts_adds_every_count_and_sum_and_keeps_the_longest_wait():
    twice = MORNING + MORNING
    assert twice.offered == 40
    assert twice.answered == 24
    assert twice.answered_within_threshold == 18
    assert twice.abandoned == 10
    assert twice.abandoned_within_threshold == 6
    assert twice.short_abandoned == 4
    assert (twice.timeouts, twice.exits_by_key, twice.no_agents) == (2, 2, 2)
    assert (twice.transferred, twice.callbacks) == (4, 2)
    assert twice.total_wait_answered_s == 1200.0
    assert twice.total_handling_s == 6000.0
    assert twice.handled == 20
    assert twice.longest_wait_s == 410.0
    # The figures of the sum of two equal halves are the figures of each half.
    assert twice.service_level() == MORNING.service_level()
    assert twice.aht_s == MORNING.aht_s


def test_the_longest_wait_of_a_sum_is_the_longest_of_its_parts():
    short = CallCounts(offered=1, longest_wait_s=12.0)
    long = CallCounts(offered=1, longest_wait_s=95.5)
    assert (short + long).longest_wait_s == 95.5
    assert (short + CallCounts()).longest_wait_s == 12.0


def test_counts_made_with_the_same_thresholds_keep_them_when_added():
    total = MORNING + CallCounts(offered=1, threshold_s=120, short_abandon_s=5)
    assert total.threshold_s == 120
    assert total.short_abandon_s == 5
    assert total.thresholds_s == (120,)


def test_counts_made_with_different_thresholds_say_so_when_added():
    switchboard = CallCounts(offered=4, threshold_s=60, short_abandon_s=5)
    total = MORNING + switchboard
    assert total.threshold_s is None
    assert total.thresholds_s == (60, 120)
    assert total.short_abandon_s == 5
    assert total.short_abandons_s == (5,)


def test_add_up_of_nothing_is_empty_counts_and_empty_counts_add_nothing():
    assert add_up([]) == CallCounts()
    assert add_up([MORNING]) == MORNING
    assert MORNING + CallCounts() == MORNING
    assert add_up([MORNING, MORNING, MORNING]).offered == 60


def test_the_figures_of_counts_are_the_counts_and_every_derived_figure_in_one_place():
    figures = MORNING.figures(service_level="answered")
    assert figures.service_level_variant == "answered"
    assert figures.service_level == 0.75
    assert figures.abandonment_rate == pytest.approx(1 / 6)
    assert (figures.lost, figures.lost_rate, figures.asa_s, figures.aht_s) == (8, 0.4, 50.0, 300.0)
    flat = figures.as_dict()
    assert flat["offered"] == 20
    assert flat["threshold_s"] == 120
    assert flat["short_abandon_s"] == 5
    assert flat["service_level"] == 0.75
    assert "counts" not in flat


def test_a_ratio_is_none_when_its_denominator_is_zero():
    assert ratio(1, 4) == 0.25
    assert ratio(0, 4) == 0.0
    assert ratio(3, 0) is None
