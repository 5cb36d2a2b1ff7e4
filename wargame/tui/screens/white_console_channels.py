"""The White Cell console's channels (:mod:`wargame.tui.white_console`): the list of every channel
and the one shown, the message box reached by **m** or by typing outside any box (type-to-write),
and Esc leaving it."""

from __future__ import annotations

from textual import events
from textual.markup import escape
from textual.widgets import Input, Label, OptionList, RichLog, TabbedContent
from textual.widgets.option_list import Option

from wargame.net.server import WHITE
from wargame.tui.screens.remote_parts import type_into, typed_outside
from wargame.tui.screens.white_console_words import SHORT, all_channels, channel_title


class ConsoleChannels:
    """The console screen's channel methods (a mixin of :class:`~wargame.tui.white_console.WhiteConsoleScreen`:
    ``client``, ``channel``, ``unread``, ``action_tab`` are the screen's)."""

    def show_channels(self) -> None:
        counts: dict[str, int] = {}
        for m in self.client.said:
            counts[m["channel"]] = counts.get(m["channel"], 0) + 1
        if self.query_one("#wc-tabs", TabbedContent).active == "wc-channels":
            self.unread.discard(self.channel)  # the channel shown is read
        options = self.query_one("#wc-channel-list", OptionList)
        options.border_title = "● unread"
        options.clear_options()
        for ch in all_channels():
            new = "[b $warning]●[/] " if ch in self.unread else "  "
            options.add_option(Option(f"{new}{escape(channel_title(ch))} [$text-muted]({counts.get(ch, 0)})[/]", id=ch))
        options.highlighted = all_channels().index(self.channel)
        self.show_channel()

    def show_channel(self) -> None:
        ch = self.channel
        own = ch.endswith(f"-{WHITE}")
        self.query_one("#wc-channel-title", Label).update(
            f"{escape(channel_title(ch))}" + ("" if own else "  [$text-muted](read only: between two cells)[/]"))
        log = self.query_one("#wc-channel-log", RichLog)
        log.clear()
        for m in self.client.said:
            if m["channel"] == ch:
                log.write(f"[dim]turn {m.get('turn')}[/] [b]{escape(SHORT.get(m['from'], m['from']))}[/]: {escape(m['text'])}")
        reply = self.query_one("#wc-reply", Input)
        reply.disabled = not own
        reply.placeholder = (f"to {channel_title(ch).split(' – ')[0]}: type, Enter sends" if own
                             else "you speak only on your own channels (… – White Cell)")

    def action_message(self) -> None:
        """The app's **m**: to the message box of the channel shown (the first of the White Cell's own if it speaks not on that one)."""
        if not self.channel.endswith(f"-{WHITE}"):
            self.channel = all_channels()[0]
            self.show_channels()
        self.action_tab("wc-channels")
        self.query_one("#wc-reply", Input).focus()

    def action_leave(self) -> None:
        self.query_one("#wc-channel-list", OptionList).focus()

    def on_key(self, event: events.Key) -> None:
        """Type-to-write: a key no power means, pressed outside a box, starts a reply on the channel shown
        (the first of the White Cell's own if it speaks not on that one)."""
        character = typed_outside(self, event)
        if character is None:
            return
        event.stop()
        event.prevent_default()
        if not self.channel.endswith(f"-{WHITE}"):
            self.channel = all_channels()[0]
            self.show_channels()
        self.query_one("#wc-tabs", TabbedContent).active = "wc-channels"
        type_into(self, self.query_one("#wc-reply", Input), character)

