"""What every list and field of the UI shares: the first item highlighted at once (so Enter works
on first show), a tick box whose state reads without colour, and who may sit in a seat."""

from __future__ import annotations

from textual.widgets import Checkbox, OptionList

from wargame.bots.doctrine import POSTURES
from wargame.bots.seats import HUMAN


def highlight_first(options: OptionList, keep: int | None = None) -> None:
    """Highlight option ``keep`` if it is still there, else the first that can be picked, so that
    Enter does something at once."""
    if keep is not None and 0 <= keep < options.option_count and not options.get_option_at_index(keep).disabled:
        options.highlighted = keep
        return
    first = next((i for i in range(options.option_count) if not options.get_option_at_index(i).disabled), None)
    if first is not None:
        options.highlighted = first


class Tick(Checkbox):
    """A checkbox whose state reads without colour: an X ticked, empty not."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # noqa: N802 - Textual's name
        return "X" if self.value else " "

    def get_content_height(self, container, viewport, width: int) -> int:  # type: ignore[override]
        """As many lines as its label wraps to (Textual's own is always one line, cut short)."""
        return max(1, self.render().get_height(self.styles, width))


def seat_choices(*kinds: str) -> list[tuple[str, str]]:
    """Who may sit in a seat, for a Select: people, or a bot (each kind, each posture); and any of
    ``kinds`` (the seats of a saved game) that is not among them, as it is."""
    choices = [("Human", HUMAN), ("Bot: doctrine (plays the article's strategy)", "doctrine")]
    choices += [(f"Bot: doctrine, {p}", f"doctrine:{p}") for p in POSTURES if p != "standard"]
    choices += [("Bot: random legal orders", "random")]
    known = {value for _, value in choices}
    for kind in kinds:
        if kind not in known:
            choices.append((f"Bot: {kind.replace(':', ', ')}", kind))
            known.add(kind)
    return choices
