"""The keys of a screen, as its help lists them: read off the screen's and the app's bindings, so
that the help can never say a key does what it does not.

One key means one thing everywhere (see the README's table of keys); a screen's help is built
from the bindings of the screen it is opened on (:func:`key_rows`), those that work there now.
"""

from __future__ import annotations

import dataclasses

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

PALETTE = "Commands: every command of this screen, by name"


def declared(node: object) -> set[str]:
    """The actions bound in this program's own BINDINGS of ``node``'s class (not Textual's own:
    focus, copy...), and the command palette."""
    actions = {"command_palette"}
    for cls in type(node).__mro__:
        if cls.__module__.startswith("wargame."):
            for b in cls.__dict__.get("BINDINGS", ()):
                actions.add(b.action if isinstance(b, Binding) else b[1])
    return actions


def bindings_of(screen: Screen) -> list[tuple[object, Binding]]:
    """Every binding of ``screen`` and of the app (this program's) that works on it now: (the
    node, the binding)."""
    app: App = screen.app
    out: list[tuple[object, Binding]] = []
    for node, bindings in ((screen, screen._bindings), (app, app._bindings)):
        ours = declared(node)
        for _, group in bindings.key_to_bindings.items():
            for binding in group:
                if binding.action not in ours:
                    continue
                if node is app and screen.is_modal and not binding.priority:
                    continue  # a modal screen stops the app's keys (but those that come first)
                if app._check_action_state(binding.action, node) is False:  # type: ignore[arg-type]
                    continue
                out.append((node, binding))
    return out


def key_rows(screen: Screen) -> list[tuple[str, str]]:
    """(the keys, what they do) for each thing a key does on ``screen``, the screen's own first."""
    app = screen.app
    rows: dict[tuple[str, str], list[str]] = {}
    for _, binding in bindings_of(screen):
        # the help names each key itself (not the footer's short form, e.g. "←→" for two keys),
        # and says what it does at length where the footer's word is short (its tooltip)
        description = PALETTE if binding.action == "command_palette" else (binding.tooltip or binding.description)
        if not description:
            continue
        shown = app.get_key_display(dataclasses.replace(binding, key_display=None))
        keys = rows.setdefault((binding.action.removeprefix("app."), description), [])
        if shown not in keys:
            keys.append(shown)
    return [(" ".join(keys), description) for (_, description), keys in rows.items()]
