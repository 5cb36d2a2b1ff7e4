"""What each seat may see of a game's log, and what the White Cell's actions tell each seat.

The seats are the four cells, ``public`` (the whole room, as on a projector) and ``white`` (the
facilitator, who sees everything). Record by record, :func:`wargame.engine.shown.render_record` decides;
this module applies it to a whole log, for the exports (reports and logs per seat) and the
terminal UI (what the room and each cell are told):

- **Secret AQ-IS talks** stay hidden from the coalition, the governments and the room while they
  are secret; in a debrief handout (:func:`seat_records`) they come to light with the talks (the
  coalition learns of them, or an alliance or merger follows); talks that end in secret stay
  hidden.
- **The White Cell's actions** (an inject, a set track, an overridden result) are announced
  (:func:`announcement`): "White Cell: injected Mosul falls — <note>", "White Cell: set Coalition
  will 7 → 8 — <justification>" (every track by its title, rules/titles.toml), "White Cell: overrode <rule> in <theatre>: it did not happen
  after all — <justification>", the last with the list of what the ruling changed for that seat.
  An action marked secret is told only to the cells it concerns (:func:`told`): the owner of a
  cell's inner track that was set, everyone for a public track (but only the two groups for the
  stage of secret talks, which the others do not see); everyone for a card that changes the public
  board, else the owners of the tracks it changes; for an overridden result, every seat whose
  picture of the turn it changed.
- **Channel messages** (:class:`~wargame.record.commands.Say`) are seen by the channel's two seats
  and the White Cell, never by another cell or the room (:mod:`wargame.record.messages`).
"""

from __future__ import annotations

from collections.abc import Sequence

from attrs import frozen

from wargame.engine.adjudication import Adjudication
from wargame.engine.board import THEATRE_TRACKS
from wargame.engine.model import CELL_TITLES, CELLS, State
from wargame.engine.picture import picture
from wargame.engine.rulebook import Rulebook
from wargame.engine.shown import render_record, talks_hidden_flags
from wargame.engine.titles import fallback, placed
from wargame.engine.turn import new_game
from wargame.engine.view import OWNER, talks_secret, view
from wargame.record.commands import WHITE_ACTIONS, InjectCard, OverrideResult, ResolveTurn, SetTrack
from wargame.record.game import Game

ROOM = "public"
AUDIENCE: tuple[str, ...] = CELLS + (ROOM,)
EVERYONE = frozenset(AUDIENCE)
TOLD_TO = {"is": "the Islamic State", "aq": "al-Qaeda", "coalition": "the Coalition",
           "governments": "the Local Governments", ROOM: "the room"}
RULING = "Changed by the White Cell's ruling"


@frozen
class Announcement:
    """What one seat is told of one White Cell action (step ``step`` of the log)."""

    turn: int
    step: int
    kind: str  # "inject", "set" or "override"
    text: str
    changed: tuple[str, ...] = ()  # an override: what it changed of what this seat had been shown
    secret: bool = False

    def lines(self) -> list[str]:
        """The announcement, and for an override the list of what it changed."""
        if self.kind != "override":
            return [self.text]
        changed = "; ".join(self.changed) if self.changed else "nothing that you were shown"
        return [self.text, f"{RULING}: {changed}"]


# --- who is told ---------------------------------------------------------------------------------


def told(game: Game, i: int) -> frozenset[str]:
    """The seats told of the White Cell's action at step ``i`` (the White Cell always knows)."""
    step = game.steps[i]
    c = step.command
    if not isinstance(c, WHITE_ACTIONS) or not c.secret:
        return EVERYONE
    if isinstance(c, SetTrack):
        if "." in c.target:  # a theatre's or an offshoot's track: on the public board
            return EVERYONE
        seats = frozenset(s for s in AUDIENCE if _sees_set(game, i, s))
        return EVERYONE if ROOM in seats else seats
    if isinstance(c, InjectCard):
        names = [n for r in step.records for n, _, _ in r.changes]
        if any(OWNER.get(n) is None for n in names):
            return EVERYONE  # the card changed the public board: everyone sees it
        return frozenset(OWNER[n] for n in names)
    seats = frozenset(s for s in AUDIENCE if ruling_changes(game, i, s))
    return EVERYONE if ROOM in seats else seats


def state_before(game: Game, i: int) -> State:
    """The state just before step ``i``."""
    if i > 0:
        return game.steps[i - 1].state
    h = game.header
    return new_game(game.rulebook, h.scenario, h.seed)


def _sees_set(game: Game, i: int, seat: str, changed: bool = True) -> bool:
    """Does ``seat`` see, exactly, the new value of the global track set at step ``i`` (and, with
    ``changed``, see it change)? Its owner does, for a cell's inner track; everyone, for a public
    one; the two groups only, for the relation while talks are secret."""
    c = game.steps[i].command
    after = view(game.steps[i].state, seat).tracks.get(c.target)
    if after is None or not after.exact or after.lo != c.value:
        return False
    return not changed or view(state_before(game, i), seat).tracks.get(c.target) != after


# --- records per seat ----------------------------------------------------------------------------


def talks_hidden(game: Game) -> list[bool]:
    """For each step, whether secret AQ-IS talks hide its talk records from outsiders in a
    debrief: they were secret after the step, and did not come to light later (the coalition
    learning of them, or an alliance or a merger, which the room sees). False for a step after
    which no talks are secret; if it ended talks in secret, their records stay hidden all the
    same (:func:`wargame.engine.shown.talks_hidden_flags`, as :func:`step_records` applies it)."""
    hidden = [False] * len(game.steps)
    pending: list[int] = []
    for i, step in enumerate(game.steps):
        relation = step.state.relation
        if talks_secret(step.state):
            hidden[i] = True
            pending.append(i)
        elif relation.stage in (1, 2, 3):  # talks known to the coalition, an alliance, a merger
            for j in pending:
                hidden[j] = False
            pending = []
        else:  # rivalry or a split again: talks that ended in secret stay secret
            pending = []
    return hidden


def step_records(game: Game, i: int, seat: str, hidden: Sequence[bool] | None = None) -> tuple[Adjudication, ...]:
    """The records of step ``i`` as ``seat`` may see them: as at the time, or with ``hidden``
    (from :func:`talks_hidden`) as in a debrief."""
    step = game.steps[i]
    if seat == "white":
        return step.records
    c = step.command
    if isinstance(c, (InjectCard, SetTrack)) and c.secret and seat not in told(game, i):
        return ()
    # Rendered as the seat saw them at the time (its estimates from before the step), by the one
    # function every screen uses.
    before = state_before(game, i)
    # Talks that came to light later are no longer hidden in a debrief, but only those: the
    # records of talks that ended in this step without coming to light stay hidden (the step
    # itself is not secret afterwards, so ``hidden`` says nothing of them).
    flags = talks_hidden_flags(before, step.records, came_to_light=hidden is not None and not hidden[i])
    pic = picture(game.rulebook, view(before, seat))
    out = []
    for r, secret in zip(step.records, flags):
        shown = render_record(game.rulebook, r, seat, pic, secret)
        if shown is not None:
            out.append(shown)
    return tuple(out)


def _originals(game: Game, i: int, seat: str) -> list[Adjudication]:
    """The records of step ``i`` the seat may see, as the engine made them (not re-rendered):
    which of them exist for the seat is what matters, not their wording."""
    rendered = step_records(game, i, seat)
    keys = {(r.phase, r.kind, r.ref, r.theatre, r.offshoot) for r in rendered}
    return [r for r in game.steps[i].records if (r.phase, r.kind, r.ref, r.theatre, r.offshoot) in keys]


def seat_records(game: Game, seat: str) -> dict[int, list[Adjudication]]:
    """The records in force, turn by turn, as ``seat`` may see them after the game (its debrief)."""
    if seat == "white":
        return game.records_by_turn()
    hidden = talks_hidden(game)
    out: dict[int, list[Adjudication]] = {}
    for i, kept in enumerate(game.in_force()):
        if kept:
            for r in step_records(game, i, seat, hidden):
                out.setdefault(r.turn, []).append(r)
    return dict(sorted(out.items()))


# --- what an override changed --------------------------------------------------------------------


def previous_resolution(game: Game, i: int) -> int | None:
    """The step whose resolution of the same turn the override at step ``i`` replaced."""
    turn = game.steps[i].command.turn
    for j in range(i - 1, -1, -1):
        c = game.steps[j].command
        if isinstance(c, (ResolveTurn, OverrideResult)) and c.turn == turn:
            return j
    return None


def _keyed(records: Sequence[Adjudication]) -> dict[tuple, Adjudication]:
    seen: dict[tuple, int] = {}
    out = {}
    for r in records:
        key = (r.phase, r.kind, r.ref, r.cell, r.theatre, r.offshoot)
        n = seen[key] = seen.get(key, 0) + 1
        out[key + (n,)] = r
    return out


def _placed(state: State, title: str, where: str | None) -> str:
    """``title`` and where it happened (:func:`~wargame.engine.titles.placed`), the place by its title in ``state``."""
    if not where:
        return title
    return placed(title, next((t.title for t in state.theatres if t.name == where), fallback(where)))


def _changes(rulebook: Rulebook, r: Adjudication) -> str:
    return r.changes_text(rulebook)


def _record_changes(rulebook: Rulebook, before: Sequence[Adjudication], after: Sequence[Adjudication],
                    state: State) -> tuple[list[str], set[int]]:
    """What differs between two resolutions' records: sentences, and the indices in ``after``."""
    old, new = _keyed(before), _keyed(after)
    index = {id(r): k for k, r in enumerate(after)}
    lines: list[str] = []
    marked: set[int] = set()
    for key, r in new.items():
        name = _placed(state, r.title, r.where)
        was = old.get(key)
        if was is None:
            lines.append(f"{name}: new this turn ({'it happened' if r.happened else 'it did not happen'})")
        elif was.happened != r.happened:
            lines.append(f"{name}: {'it happened after all' if r.happened else 'it did not happen after all'}")
        elif was.changes != r.changes:
            lines.append(f"{name}: now {_changes(rulebook, r) or 'no change'} (was {_changes(rulebook, was) or 'no change'})")
        else:
            continue
        marked.add(index[id(r)])
    for key, r in old.items():
        if key not in new:
            lines.append(f"{_placed(state, r.title, r.where)}: no longer part of the turn")
    return lines, marked


def _track_changes(rulebook: Rulebook, before: State, after: State, seat: str) -> list[str]:
    """The tracks ``seat`` sees differently after than before (exact, or its estimates), by their titles."""
    title = rulebook.title
    va, vb = view(before, seat), view(after, seat)
    lines = []
    for name, est in vb.tracks.items():
        old = va.tracks.get(name)
        if old is not None and str(old) != str(est):
            est_mark = "" if old.exact and est.exact else " (est.)"
            lines.append(f"{title(name)} {old} → {est}{est_mark}")
    old_theatres = {t.name: t for t in va.theatres}
    for t in vb.theatres:
        o = old_theatres.get(t.name)
        if o is not None:
            lines += [f"{title(n)} in {t.title} {getattr(o, n)} → {getattr(t, n)}" for n in THEATRE_TRACKS
                      if getattr(o, n) != getattr(t, n)]
    old_off = {o.id: o for o in va.offshoots}
    new_off = {o.id: o for o in vb.offshoots}
    where = {t.name: t.title for t in vb.theatres}
    strength, brutality = title("strength").lower(), title("brutality").lower()
    for oid, o in new_off.items():
        if oid not in old_off:
            lines.append(f"{fallback(oid)} formed in {where.get(o.theatre, fallback(o.theatre))}")
        elif (old_off[oid].strength, old_off[oid].brutality) != (o.strength, o.brutality):
            lines.append(f"{fallback(oid)}: {strength} {old_off[oid].strength} → {o.strength}, {brutality} "
                         f"{old_off[oid].brutality} → {o.brutality}")
    lines += [f"{fallback(oid)} gone" for oid in old_off if oid not in new_off]
    return lines


def ruling_changes(game: Game, i: int, seat: str) -> list[str]:
    """For the override at step ``i``: which results and tracks ``seat`` sees changed, compared
    with what it had been shown of the turn before (as at the time)."""
    j = previous_resolution(game, i)
    if j is None:
        return []
    before, after = game.steps[j], game.steps[i]
    old = step_records(game, j, seat)
    new = step_records(game, i, seat)
    lines, _ = _record_changes(game.rulebook, old, new, after.state)
    return lines + _track_changes(game.rulebook, before.state, after.state, seat)


def ruled_records(game: Game, i: int) -> set[int]:
    """For the override at step ``i``: the indices of its records that differ from the
    resolution it replaced (as the White Cell sees them), for the replay to mark."""
    j = previous_resolution(game, i)
    if j is None:
        return set()
    return _record_changes(game.rulebook, game.steps[j].records, game.steps[i].records, game.steps[i].state)[1]


# --- announcements -------------------------------------------------------------------------------


def _public_name(rulebook: Rulebook, state: State, target: str) -> str:
    """A track's title ("Coalition will"; "Grievance in Iraq", the theatre by its title on the board)."""
    where, _, name = target.rpartition(".")
    if not where:
        return rulebook.title(name)
    theatre = next((t.title for t in state.theatres if t.name == where), None)
    return f"{rulebook.title(name)} in {theatre}" if theatre else rulebook.title(target)


def _why(text: str) -> str:
    return f" — {text}" if text.strip() else ""


def _title_of(game: Game, ref: str) -> str:
    rb = game.rulebook
    try:
        return rb.rule(ref).title
    except KeyError:
        kind = rb.order_kinds.get(ref)
        return kind.title if kind is not None else ref


def announcement(game: Game, i: int, seat: str) -> Announcement | None:
    """What ``seat`` is told of step ``i``: None if it is not a White Cell action, or a secret
    one that ``seat`` is not told of."""
    step = game.steps[i]
    c = step.command
    if not isinstance(c, WHITE_ACTIONS):
        return None
    who = told(game, i)
    if seat != "white" and seat not in who:
        return None
    state = step.state
    changed: tuple[str, ...] = ()
    if isinstance(c, InjectCard):
        card = game.rulebook.cards.get(c.card)
        kind, text = "inject", f"White Cell: injected {card.title if card else c.card}{_why(c.note)}"
    elif isinstance(c, SetTrack):
        kind = "set"
        owner = OWNER.get(c.target)
        name = _public_name(game.rulebook, state, c.target)
        if seat != "white" and owner is not None and seat == owner:
            verb = "were" if name.endswith("s") else "was"
            text = f"White Cell: your {name} {verb} set to {c.value}{_why(c.justification)}"
        elif seat == "white" or "." in c.target or _sees_set(game, i, seat, changed=False):
            text = f"White Cell: set {name} {c.original} → {c.value}{_why(c.justification)}"
        elif owner is not None:  # another cell's secret track: that it was set, not the values
            text = f"White Cell: set {name}, a secret track of {TOLD_TO[owner]}{_why(c.justification)}"
        else:  # a track this seat does not see as it is (the stage of secret talks)
            text = f"White Cell: set {name}{_why(c.justification)}"
    else:
        kind = "override"
        ruled = next((r for r in step.records if (r.ref, r.where) == (c.ref, c.where) and r.original is not None),
                     None)
        visible = ruled is not None and (seat == "white" or ruled in _originals(game, i, seat))
        outcome = "it happened after all" if c.happened else "it did not happen after all"
        if visible:
            title = ruled.title if ruled is not None else _title_of(game, c.ref)
            text = f"White Cell: overrode {_placed(state, title, c.where)}: {outcome}{_why(c.justification)}"
        else:
            text = f"White Cell: overrode a result of turn {c.turn}{_why(c.justification)}"
        changed = tuple(ruling_changes(game, i, seat))
    if seat == "white" and c.secret:
        whom = [TOLD_TO[s] for s in AUDIENCE if s in who]
        if who >= EVERYONE:
            text += " (marked secret, but everyone sees what it changed)"
        else:
            text += f" (secret: told only to {', '.join(whom) if whom else 'nobody'})"
    return Announcement(c.turn, i, kind, text, changed, c.secret)


def announcements(game: Game, seat: str, start: int = 0) -> list[Announcement]:
    """What ``seat`` is told of the White Cell's actions from step ``start`` on."""
    out = []
    for i in range(start, len(game.steps)):
        a = announcement(game, i, seat)
        if a is not None:
            out.append(a)
    return out


def private_announcements(game: Game, cell: str, start: int = 0) -> list[Announcement]:
    """What ``cell`` is told on its own, from step ``start`` on: the announcements it is told
    otherwise than the room (a secret told to it alone, or its own exact values)."""
    out = []
    for i in range(start, len(game.steps)):
        mine = announcement(game, i, cell)
        if mine is None:
            continue
        room = announcement(game, i, ROOM)
        if room is None or (room.text, room.changed) != (mine.text, mine.changed):
            out.append(mine)
    return out


def seat_title(seat: str, rulebook: Rulebook | None = None) -> str:
    if seat in ("white", ROOM):
        return "the facilitator" if seat == "white" else "the room"
    return rulebook.title(seat) if rulebook is not None else CELL_TITLES[seat]
