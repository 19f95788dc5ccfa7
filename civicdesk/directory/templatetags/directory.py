from django import template

from civicdesk.lib.contact_points import phone_display

register = template.Library()


@register.filter
def phone(number: str) -> str:
    """+4757782010 as +47 57 78 20 10."""
    return phone_display(number)
