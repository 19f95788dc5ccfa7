"""Call figures as people read them: waits as m:ss, shares as whole percents."""

from django import template

register = template.Library()


@register.filter
def duration(seconds) -> str:
    """125 -> "2:05"; 3725 -> "1:02:05"; None -> "–"."""
    if seconds is None:
        return "–"
    total = max(0, round(float(seconds)))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@register.filter
def percent(share) -> str:
    """0.8123 -> "81 %"; None -> "–"."""
    if share is None:
        return "–"
    return f"{round(float(share) * 100)} %"
