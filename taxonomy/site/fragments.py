"""Parts of pages that many pages show alike, rendered once per render (and worker process).

The header and navigation are the same on every page of one depth and place (`rendered_per_arguments`).
A measurement section is the same on every entry page that shows that probe's measurement in
that place under that filing (`pages._probe_context` makes its context once, as `shared`); its
charts, tables and glossary cost more than the rest of the page, so its HTML is kept.

>>> from jinja2 import Environment
>>> section = rendered_once(Environment(autoescape=True).from_string("<b>{{ m.x }}</b>"))
>>> shared = {"x": "<i>"}
>>> section({"shared": shared}), section({"shared": shared}) is section({"shared": shared})
(Markup('<b>&lt;i&gt;</b>'), True)
"""
from __future__ import annotations

from typing import Any, Callable

from markupsafe import Markup


def rendered_once(template) -> Callable[[dict[str, Any]], Markup]:
    """A function of a context holding `shared` that returns `template` rendered with
    `m=shared`, rendering each shared context (by identity) only the first time."""
    done: dict[int, tuple[dict[str, Any], Markup]] = {}  # the context is kept so its id stays its own

    def render(context: dict[str, Any]) -> Markup:
        shared = context["shared"]
        if id(shared) not in done:
            done[id(shared)] = shared, Markup(template.render(m=shared))  # autoescaped: safe to embed
        return done[id(shared)][1]

    return render


def rendered_per_arguments(template, **fixed: Any) -> Callable[..., Markup]:
    """A function of keyword arguments (hashable values) that returns `template` rendered with
    them and `fixed`, rendering each distinct set of arguments only the first time.

    >>> from jinja2 import Environment
    >>> greet = rendered_per_arguments(Environment(autoescape=True).from_string("{{ hi }} {{ who }}"), hi="<hi>")
    >>> greet(who="you"), greet(who="you") is greet(who="you")
    (Markup('&lt;hi&gt; you'), True)
    """
    done: dict[tuple, Markup] = {}

    def render(**arguments: Any) -> Markup:
        key = tuple(arguments.items())
        if key not in done:
            done[key] = Markup(template.render(**fixed, **arguments))  # autoescaped: safe to embed
        return done[key]

    return render
