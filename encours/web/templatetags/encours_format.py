from django import template

from encours.web import formatting

register = template.Library()


@register.filter
def money(value, currency="EUR"):
    return formatting.money(value, currency or "EUR")


@register.filter
def number(value, digits=1):
    return formatting.number(value, int(digits))


@register.filter
def percent(value, digits=1):
    return formatting.percent(value, int(digits))


@register.filter
def day(value):
    return formatting.short_date(value)
