"""The footer of every screen: its keys, with the ones a newcomer must always find kept in sight.

Textual's footer lists a screen's keys in order and lets the line run off the right edge, so on a
small terminal (60 columns) the app's own keys, last in the line, were lost: Help (F1) and Quit.
On a modal screen it leaves them out altogether, though they work there. This footer always
offers the screen's main key (its first), Help and Quit; the other keys follow in order of
importance (the screen's own in the order it lists them, then the app's) while they fit, each
whole, never cut mid-word. When the line is short of room it drops the spacing between keys and
the command palette's key (ctrl+p still opens it); a key left without room for its words is
still shown, by the key alone (its words in its tooltip) after a bar at the end of the line,
while there is room for that; F1 lists every key with what it does.
"""

from __future__ import annotations

from typing import NamedTuple

from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Resize
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

# the app's keys that every screen's footer shows, whatever its width
ESSENTIAL = ("help", "quit")
BAR = 1  # the bar before the keys shown alone, at the end of the line


class Key(NamedTuple):
    binding: Binding
    enabled: bool
    tooltip: str
    on_screen: bool  # bound by the screen itself (or a widget on it), not by the app


def footer_keys(screen) -> list[Key]:
    """The keys ``screen``'s footer may show, one per action, in the footer's order (the
    screen's own, then the app's), with the app's Help and Quit even on a modal screen."""
    app = screen.app
    keys: dict[str, Key] = {}
    for node, binding, enabled, tooltip in screen.active_bindings.values():
        if binding.show and binding.action not in keys:
            keys[binding.action] = Key(binding, enabled, tooltip, node is not app)
    for binding in app._bindings.key_to_bindings.values():
        for b in binding:
            if b.action in ESSENTIAL and b.show and b.priority and b.action not in keys:
                keys[b.action] = Key(b, True, b.tooltip, False)
    return list(keys.values())


def key_width(key: Key, display: str, compact: bool) -> int:
    """Columns a key takes in the footer (see FooterKey's and Footer's styles)."""
    description = key.binding.description
    if compact:  # "key description" and a space after it
        return len(display) + (1 + len(description) if description else 0) + 1
    return len(display) + 2 + (len(description) + 1 if description else 0)


def bare_width(display: str) -> int:
    """Columns a key takes shown by itself, without its words (compact: and a space after it)."""
    return len(display) + 1


def pick(keys: list[Key], widths: list[int], room: int, bare: list[int] | None = None) -> tuple[list[int], list[int]]:
    """The keys to show in ``room`` columns, as (the indexes shown whole, those shown by the key
    alone): the screen's main key, Help and Quit whole first, then the others in order of
    importance (the footer's order) whole while they fit, then those left by the key alone
    (``bare``: the columns each takes so) while they fit after the bar before them (a column).
    Each list in the footer's own order."""
    main = next((i for i, k in enumerate(keys) if k.on_screen), None)
    first = [i for i, k in enumerate(keys) if i == main or k.binding.action in ESSENTIAL]
    chosen: list[int] = []
    used = 0
    for i in first + [i for i in range(len(keys)) if i not in first]:
        if used + widths[i] <= room or i in first:
            chosen.append(i)
            used += widths[i]
    alone: list[int] = []
    used += BAR
    for i in range(len(keys)):
        if bare is not None and i not in chosen and used + bare[i] <= room:
            alone.append(i)
            used += bare[i]
    return sorted(chosen), alone


class KeysFooter(Footer):
    """Textual's footer, choosing its keys for the room it has (see the module's doc)."""

    PALETTE_WIDTH = 14  # "▏^p palette " with its border and padding
    DEFAULT_CSS = """
    KeysFooter FooterKey.-alone.-first {
        border-left: vkey $foreground 20%;
    }
    """

    def on_resize(self, event: Resize) -> None:
        self.call_after_refresh(self.recompose)

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        app = self.app
        room = (self.size.width or app.size.width) - 1  # a column spare: the last key never touches the edge
        keys = footer_keys(self.screen)
        shown = [app.get_key_display(k.binding) for k in keys]
        wide = [key_width(k, d, compact=False) for k, d in zip(keys, shown, strict=True)]
        palette = self.show_command_palette and app.ENABLE_COMMAND_PALETTE
        compact = sum(wide) + (self.PALETTE_WIDTH if palette else 0) > room
        self.compact = compact
        alone: list[int] = []
        if compact:
            widths = [key_width(k, d, compact=True) for k, d in zip(keys, shown, strict=True)]
            chosen, alone = pick(keys, widths, room, [bare_width(d) for d in shown])
            palette = palette and sum(widths[i] for i in chosen) + self.PALETTE_WIDTH <= room and len(chosen) == len(keys)
        else:
            chosen = list(range(len(keys)))
        for i in chosen:
            k = keys[i]
            yield FooterKey(k.binding.key, shown[i], k.binding.description, k.binding.action,
                            disabled=not k.enabled, tooltip=k.tooltip).data_bind(compact=Footer.compact)
        for n, i in enumerate(alone):  # by the key alone: its words in its tooltip
            k = keys[i]
            yield FooterKey(k.binding.key, shown[i], "", k.binding.action, classes="-alone" + (" -first" if not n else ""),
                            disabled=not k.enabled, tooltip=k.tooltip or k.binding.description).data_bind(compact=Footer.compact)
        if palette:
            found = self.screen.active_bindings.get(app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _, binding, enabled, tooltip = found
                yield FooterKey(binding.key, app.get_key_display(binding), binding.description, binding.action,
                                classes="-command-palette", disabled=not enabled,
                                tooltip=binding.tooltip or binding.description)
