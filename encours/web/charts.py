"""Charts rendered on the server as SVG by pygal: no script, no external asset."""
from __future__ import annotations

import pygal
from pygal.style import Style

from encours.core.money import cents_to_decimal

STYLE = Style(
    background="transparent", plot_background="transparent", foreground="#334155",
    foreground_strong="#0f172a", foreground_subtle="#cbd5e1", colors=("#2563eb",),
    font_family="system-ui, sans-serif", label_font_size=13, major_label_font_size=13, value_font_size=12,
)
BAR_COLOURS = ("#16a34a", "#facc15", "#f97316", "#ef4444", "#b91c1c", "#7f1d1d")


def ageing_bars(titles: list[str], cents: list[int], links: list[str], value_text) -> str:
    """A bar per bucket, coloured from green (not due) to dark red (oldest); each bar links to its list."""
    chart = pygal.Bar(
        style=STYLE, width=720, height=300, show_legend=False, js=[], disable_xml_declaration=True,
        print_values=False, show_y_guides=True, margin=10, explicit_size=False,
        value_formatter=lambda v: value_text(v),
    )
    chart.x_labels = titles
    colours = [BAR_COLOURS[min(i, len(BAR_COLOURS) - 1)] for i in range(len(cents))]
    chart.add("", [
        {"value": float(cents_to_decimal(c)), "color": colour, "xlink": {"href": link, "target": "_self"},
         "label": value_text(cents_to_decimal(c))}
        for c, colour, link in zip(cents, colours, links)
    ])
    return chart.render(is_unicode=True)
