"""A cell's results pane (wargame.tui.screens.remote_seat): titled by what it holds, a record's
title said once, and still filled after joining again with a new code. Driven with Textual's Pilot
against the real server on an ephemeral localhost port; every wait is for a condition."""

from __future__ import annotations

from tests.netcases import message as _message
from tests.netcases import recv_type as _recv_type
from tests.netcases import run as _run
from tests.netscreens import exercise as _server
from tests.netscreens import on_screen, shown
from tests.netscreens import seat_app as _seat_app
from tests.netscreens import until as _until
from tests.test_net_screens import _white
from wargame.tui.screens.white_console_words import result_markup

SMALL = (80, 24)


def _log_text(log) -> str:
    return " ".join(" ".join(line.text for line in log.lines).split())


def test_a_records_sentence_does_not_repeat_its_title():
    r = {"kind": "budget", "ref": "coalition.orders", "title": "Coalition orders", "happened": True,
         "text": "Coalition orders: Coalition gave its orders."}
    assert shown(result_markup(r)).strip() == "✔ Coalition orders: Coalition gave its orders."
    r = {"kind": "rule", "ref": "recruits", "title": "Recruits and attrition", "happened": True,
         "text": "Recruits and attrition leave IS with 15 fighters (¶4)."}
    assert shown(result_markup(r)).strip() == "✔ Recruits and attrition leave IS with 15 fighters (¶4)."


def test_the_results_pane_is_titled_by_what_it_holds_and_kept_after_a_new_codes_welcome(rulebook):
    from textual.widgets import Label, RichLog

    from wargame.tui.remote import CodeScreen, RemoteScreen

    server = _server(rulebook, humans=("is",))

    async def main() -> None:
        async with on_screen(server, _seat_app, size=SMALL) as (app, client, pilot):
            await pilot.press("g", "g")  # no orders; the bots' are in: the turn resolves
            await _until(pilot, lambda: (client.view or {}).get("turn") == 2, "the turn resolved")
            title = app.screen.query_one("#remote-results-title", Label)
            log = app.screen.query_one("#remote-results", RichLog)
            await _until(pilot, lambda: "Results of turn 1" in shown(title.render()), "the pane titled")
            await _until(pilot, lambda: len(log.lines) > 2, "the results shown")
            text = _log_text(log)
            titles = {str(r["title"]) for r in client.results if r.get("title")}
            repeated = [t for t in titles if f"{t}: {t}" in text]
            assert not repeated and titles, (repeated, text)

            white = await _white(server)  # a ruling's results: the latest, not a turn's
            card = next(iter(rulebook.cards))
            await white.send(_message("inject", card=card, note="a test"))
            await _until(pilot, lambda: "Latest results (turn 2)" in shown(title.render())
                         or "Results of turn 2" in shown(title.render()), "the ruling's title")
            assert "Results of turn 1" not in shown(title.render())

            await white.send(_message("revoke", seat="is"))
            new = (await _recv_type(white, "code"))["code"]
            await _until(pilot, lambda: isinstance(app.screen, CodeScreen), "the code screen")
            await pilot.press(*new, "enter")
            await _until(pilot, lambda: isinstance(app.screen, RemoteScreen), "the seat's screen again")
            log = app.screen.query_one("#remote-results", RichLog)
            await _until(pilot, lambda: app.client.ws is not None and len(log.lines) > 0, "the pane filled")
            await pilot.pause()
            assert "Nothing yet" not in _log_text(log), _log_text(log)
            await white.close()
            await pilot.press("ctrl+q")

    _run(main())
