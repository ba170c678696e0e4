from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def sort_link(label, key, current, query, numeric=False):
    """A column header that sorts by ``key``, descending on a second click; arrows show the current order."""
    descending = current == key
    target = f"-{key}" if descending else key
    arrow = " ▲" if current == key else " ▼" if current == f"-{key}" else ""
    if numeric and current not in (key, f"-{key}"):
        target = f"-{key}"  # amounts: largest first on the first click
    sep = "&" if query else ""
    return format_html('<a href="?{}{}sort={}" class="sort">{}{}</a>', query, sep, target, label, arrow)
