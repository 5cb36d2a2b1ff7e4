# Over 400 lines: GameMeter works out every metric in one pass over a game's turns; split, that pass would be too.
"""What one game came to: every per-game metric, in one place, for ``simulate``, ``claims`` and
``calibrate``.

:func:`play_game` plays one bot-only game and feeds each turn to a :class:`GameMeter`, which
accumulates the metrics turn by turn and works them out at the end. The meter reads only what a
:class:`~wargame.bots.play.PlayedTurn` holds (the turn number, the records, the orders, the state
after the turn) and, for each cell, how many kinds of order were legal when it chose; so a test
can feed it turns built by hand.

A metric is a number, or ``None`` where it does not apply to the game (:data:`NA`): for example
``split_within_8`` in a game with no rapprochement. Summaries leave such games out and say how
many games they counted. Turn numbers of things that never happened are ``-1``.

:func:`wargame.analysis.catalogue.metric_catalogue` lists every metric a game gives, with its
meaning; :mod:`wargame.analysis.bounds` says when a track or an outcome sits at a bound.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from attrs import field, frozen

from wargame.analysis.bounds import BOUND_TRACKS, BOUNDED, QUANTITIES, TRACKS, TURN_BOUNDS, Seen, groups_in, track_bounds
from wargame.bots.play import PlayedTurn, bots_for, play
from wargame.engine.board import THEATRE_TRACKS, flat_tracks
from wargame.engine.legality import legal_orders
from wargame.engine.model import ALLIANCE, CELLS, MERGER, TALKS, State
from wargame.engine.position import formula_values, scores
from wargame.engine.rulebook import Rulebook
from wargame.engine.turn import new_game

NA = None
"""The value of a metric that does not apply to a game (e.g. what followed a collapse, in a game
without one). Never averaged or counted: summaries skip it."""

Metrics = Mapping[str, "float | None"]

SERIES = ("territory", "power_gap", "is_brutality", "offshoots", "stage", "faithful_reforms", "avg_grievance",
          "is_funds", "aq_affiliates", "standing_gap", "periphery")
"""Tracks kept turn by turn for the charts (their titles: :data:`wargame.analysis.charts.SERIES_TITLES`)."""
EARLY_TURNS = 8
"""The first two years: some outcomes are measured there, before the war has run its course."""
MARK_TURN = 4
"""The end of the first year, where some outcomes are read off the tracks."""
SPLIT_WINDOW = 8
"""``split_within_8``: quarters after the first rapprochement in which a second split counts."""
OFFSHOOT_WINDOW = 4
"""``collapse_then_offshoot``: quarters after an IS collapse in which a new offshoot counts."""
IDLE_KINDS = 2
"""A cell with fewer distinct kinds of legal order than this at the start of its orders phase
has no real choice that turn: an idle turn."""


# --- helpers of the older outcomes ------------------------------------------------------------

_ORIGINS: dict[int, dict[str, str]] = {}


def _spawn_origins(rulebook: Rulebook) -> dict[str, str]:
    """Which rule or card spawns offshoots of which origin (for counting them by origin)."""
    key = id(rulebook)
    found = _ORIGINS.get(key)  # read once: safe when threads share the cache (a Dask worker's)
    if found is None:
        found = {}
        sources = [(r.id, r.effects) for r in rulebook.rules] + [(c.id, c.effects) for c in rulebook.cards.values()]
        for ref, effects in sources:
            for e in effects:
                if e.op == "spawn_offshoot":
                    found[ref] = str(e.args[0])
        _ORIGINS.clear()  # one rulebook at a time
        _ORIGINS[key] = found
    return found


def _periphery_territory(state: State) -> int:
    return sum(t.territory for t in state.theatres if not t.core)


def _at(values: Sequence[float], turn: int) -> float:
    """A track's value at the end of ``turn`` (or at the game's last turn, if it was shorter)."""
    return values[min(turn, len(values)) - 1] if values else 0.0


def option_counts(rulebook: Rulebook, state: State) -> dict[str, int]:
    """For each cell, how many distinct kinds of order it may give on this board (in the orders
    phase; 0 in any other)."""
    return {cell: len({o.kind for o in legal_orders(rulebook, state, cell)}) for cell in CELLS}


def _first_in(turns: Iterable[int], lo: int, hi: int) -> bool:
    return any(lo <= t <= hi for t in turns)


def _window(happened: Sequence[int], start: int, width: int, last_played: int) -> float | None:
    """1 if something happened in turns ``start..start+width``, 0 if not; :data:`NA` if there was
    no ``start`` (-1) or the game ended before the window closed. A window cut short counts for
    nothing even when the thing happened in it: counting those games only when it happened would
    bias the share upwards (the games where it did not happen yet would be left out)."""
    if start < 0 or last_played < start + width:
        return NA
    return 1.0 if _first_in(happened, start, start + width) else 0.0


# --- the meter ---------------------------------------------------------------------------------


@frozen
class GameResult:
    """What one game came to: the outcomes analysts keep, and the main tracks turn by turn.
    ``tracks``, kept only when asked (``play_game(..., keep_tracks=True)``), holds every track turn
    by turn (:meth:`GameMeter.track_row`); empty otherwise."""

    index: int
    seed: int
    metrics: Metrics
    series: Mapping[str, tuple[float, ...]]
    tracks: Mapping[str, tuple[float, ...]] = field(factory=dict)


class GameMeter:
    """Accumulates one game's metrics turn by turn.

    Feed it each turn in order with :meth:`add` (anything with the fields of a
    :class:`~wargame.bots.play.PlayedTurn`), then read :meth:`metrics` and :attr:`series`. The
    opening state is the game's before its first turn (after any experimental setup)."""

    def __init__(self, rulebook: Rulebook, opening: State, keep_tracks: bool = False):
        self.rulebook = rulebook
        self.tracks: dict[str, list[float]] | None = {} if keep_tracks else None
        self.opening = opening
        self.state = opening
        self.origins = _spawn_origins(rulebook)
        self.formed = {"defectors": 0, "holdouts": 0, "inspired": 0}
        self.formed_early = dict(self.formed)  # in the first two years
        self.absorbed_iraq = 0
        self.absorbed_iraq_y1 = 0  # in the first year
        self.talks = False
        self.talks_turn = -1
        self.allied_turns = 0
        self.rapprochement_turn = -1
        self.rapprochement_autonomy: int | None = None
        self.split_turns: list[int] = []
        self.offshoot_turns: list[int] = []
        self.aq_weaker_after_mark = False
        self.leader_death_turn = {"is": -1, "aq": -1}
        self.iraq_faithful_turn = -1
        self.series: dict[str, list[float]] = {k: [] for k in SERIES}
        self.sums = {"wages_services": 0.0, "is_recruitment": 0.0, "is_brutality": 0.0, "syria_governance": 0.0}
        self.periphery_start = _periphery_territory(opening)
        self.n_turns = 0
        self.last_turn = 0
        self.fired: set[str] = set()
        self.drawn: set[str] = set()
        self.ordered: set[tuple[str, str]] = set()
        self.orders_given = dict.fromkeys(CELLS, 0)
        self.no_order_turns = dict.fromkeys(CELLS, 0)
        self.option_turns = 0
        self.options = dict.fromkeys(CELLS, 0)
        self.idle_turns = dict.fromkeys(CELLS, 0)
        self.idle_now = dict.fromkeys(CELLS, 0)
        self.idle_run = dict.fromkeys(CELLS, 0)
        self.at_lo = dict.fromkeys(TRACKS, 0)
        self.at_hi = dict.fromkeys(TRACKS, 0)
        # what the claims read at a given turn, turn by turn; and whether each quantity they read
        # sat at a bound at the end of each turn (see QUANTITIES)
        self.by_turn: dict[str, list[float]] = {k: [] for k in ("provinces", "affiliates", "opening_offshoots")}
        self.early = {"is_brutality": 0.0, "is_recruitment": 0.0, "afpak_governance": 0.0}  # first two years
        self.offshoot_strength_sum = 0.0
        self.bound_flags: dict[str, list[bool | None]] = {q: [] for q in QUANTITIES}
        self._opening_ids = frozenset(o.id for o in opening.offshoots)
        self._previous = opening

    def add(self, turn: PlayedTurn, options: Mapping[str, int] | None = None) -> None:
        """One more turn. ``options`` gives, per cell, the distinct kinds of order it could give
        that turn; if None they are worked out from ``turn.orders_state`` when the turn has it
        (a turn without either does not count towards the ``options:``/``idle`` metrics)."""
        if options is None:
            opened = getattr(turn, "orders_state", None)
            if opened is not None:
                options = option_counts(self.rulebook, opened)
        t = turn.turn
        origins = self.origins
        for r in turn.events + turn.results:
            if not r.happened:
                continue
            ref = r.ref
            if r.kind == "rule":
                self.fired.add(ref)
            elif r.kind == "card":
                self.drawn.add(ref)
            if ref == "c7.aq-welcomes-defectors" and r.theatre == "iraq":
                self.absorbed_iraq += 1
                self.absorbed_iraq_y1 += t <= MARK_TURN
            origin = origins.get(ref)
            if origin is not None:
                for label, before, after in r.changes:
                    if before == 0 and after > 0 and label.startswith("offshoot-") and label.endswith(".strength"):
                        self.formed[origin] = self.formed.get(origin, 0) + 1
                        if t <= EARLY_TURNS:
                            self.formed_early[origin] = self.formed_early.get(origin, 0) + 1
        self._orders(turn.orders, options)
        self._track(t, turn.state)

    def add_summary(self, turn: Any) -> None:
        """One more turn as the batch engine sums it up (a
        :class:`~wargame.analysis.batched.TurnSummary`): the rules fired and cards played, the
        times ``c7.aq-welcomes-defectors`` fired in Iraq, the offshoots formed by origin, the orders
        and option counts, the state after the turn (with its global tracks and formulas, if the
        summary has them: ``flat``, ``formulas``). The same metrics as :meth:`add`."""
        t = turn.turn
        self.fired.update(turn.fired)
        self.drawn.update(turn.drawn)
        self.absorbed_iraq += turn.absorbed_iraq
        self.absorbed_iraq_y1 += turn.absorbed_iraq if t <= MARK_TURN else 0
        for origin, k in turn.formed.items():
            self.formed[origin] = self.formed.get(origin, 0) + k
            if t <= EARLY_TURNS:
                self.formed_early[origin] = self.formed_early.get(origin, 0) + k
        self._orders(turn.orders, turn.options)
        self._track(t, turn.state, getattr(turn, "flat", None), getattr(turn, "formulas", None))

    def _orders(self, orders: Mapping[str, Sequence[Any]], options: Mapping[str, int] | None) -> None:
        for cell in CELLS:
            given = orders.get(cell, ())
            self.orders_given[cell] += len(given)
            if not given:
                self.no_order_turns[cell] += 1
            for o in given:
                self.ordered.add((cell, o.kind))
        if options is not None:
            self.option_turns += 1
            for cell in CELLS:
                n = options.get(cell, 0)
                self.options[cell] += n
                if n < IDLE_KINDS:
                    self.idle_turns[cell] += 1
                    self.idle_now[cell] += 1
                    self.idle_run[cell] = max(self.idle_run[cell], self.idle_now[cell])
                else:
                    self.idle_now[cell] = 0

    def _track(self, t: int, s: State, flat: Mapping[str, int] | None = None,
               formulas: Mapping[str, float] | None = None) -> None:
        """The state ``s`` at the end of turn ``t``; ``flat`` and ``formulas``, if given, are its
        ``flat_tracks`` and ``formula_values`` (a batch reads them off its arrays)."""
        rulebook = self.rulebook
        before = self._previous
        self.n_turns += 1
        self.last_turn = t
        stage = s.relation.stage
        if self.talks_turn < 0 and stage in (TALKS, ALLIANCE, MERGER):
            self.talks_turn = t
        self.talks |= stage == TALKS
        allied = stage in (ALLIANCE, MERGER)
        self.allied_turns += allied
        if allied and self.rapprochement_turn < 0:
            self.rapprochement_turn = t
            self.rapprochement_autonomy = s.relation.autonomy
        tally, was = s.tally, before.tally
        if tally.second_splits > was.second_splits:
            self.split_turns.append(t)
        if tally.offshoots_formed > was.offshoots_formed:
            self.offshoot_turns.append(t)
        isl, aq = s.islamic_state, s.al_qaeda
        for cell, now, then in (("is", isl.leader, before.islamic_state.leader), ("aq", aq.leader, before.al_qaeda.leader)):
            if now.successions > then.successions and self.leader_death_turn[cell] < 0:
                self.leader_death_turn[cell] = t
        f = formula_values(rulebook, s) if formulas is None else formulas
        gap = f["power_gap"]
        if gap < 0 and t > MARK_TURN:
            self.aq_weaker_after_mark = True
        theatres = s.theatres
        n_theatres = len(theatres)
        territory = grievance = governance = reform = faithful = 0
        periphery = provinces = affiliates = afpak = 0  # whole numbers: summed in one pass
        for th in theatres:
            territory += th.territory
            if not th.core:
                periphery += th.territory
            provinces += th.is_province
            affiliates += th.aq_affiliate
            if th.name == "afpak":
                afpak += th.governance
            grievance += th.grievance
            governance += th.governance
            reform += th.reform
            good = th.faithful and th.reform >= 5
            faithful += good
            if good and th.name == "iraq" and self.iraq_faithful_turn < 0:
                self.iraq_faithful_turn = t
            if th.name == "syria":
                self.sums["syria_governance"] += th.governance
        self.sums["wages_services"] += isl.wages + isl.services
        self.sums["is_recruitment"] += isl.recruitment
        self.sums["is_brutality"] += isl.brutality
        series = self.series
        series["territory"].append(territory)
        series["power_gap"].append(round(gap, 4))
        series["is_brutality"].append(isl.brutality)
        series["offshoots"].append(len(s.offshoots))
        series["stage"].append(stage)
        series["faithful_reforms"].append(faithful)
        series["avg_grievance"].append(round(grievance / n_theatres, 4))
        series["is_funds"].append(isl.funds)
        series["aq_affiliates"].append(affiliates)
        series["standing_gap"].append(aq.standing - isl.standing)
        series["periphery"].append(periphery)
        if flat is None:
            flat = flat_tracks(s)
        offshoot_strength = sum(o.strength for o in s.offshoots)
        by_turn = self.by_turn
        by_turn["provinces"].append(provinces)
        by_turn["affiliates"].append(affiliates)
        by_turn["opening_offshoots"].append(sum(o.strength for o in s.offshoots if o.id in self._opening_ids))
        self.offshoot_strength_sum += offshoot_strength
        if t <= EARLY_TURNS:
            early = self.early
            early["is_brutality"] += isl.brutality
            early["is_recruitment"] += isl.recruitment
            early["afpak_governance"] += afpak
        if self.tracks is not None:
            for name, value in self.track_row(t, s, flat, f, offshoot_strength).items():
                self.tracks.setdefault(name, []).append(value)
        seen = Seen(rulebook, s, self.opening, flat, f)
        for name, (_, at_bound) in QUANTITIES.items():
            self.bound_flags[name].append(at_bound(seen))
        at_lo, at_hi = self.at_lo, self.at_hi
        for name, (lo, hi) in BOUND_TRACKS.items():
            v = flat[name]
            if v == lo:
                at_lo[name] += 1
            elif v == hi:
                at_hi[name] += 1
        for name, total in (("avg_grievance", grievance), ("avg_governance", governance), ("avg_reform", reform)):
            lo, hi = track_bounds(name)
            if total == lo * n_theatres:
                at_lo[name] += 1
            elif total == hi * n_theatres:
                at_hi[name] += 1
        self.state = s
        self._previous = s

    def metrics(self) -> dict[str, float | None]:
        """Every metric of the game so far (see :func:`metric_catalogue`)."""
        rulebook = self.rulebook
        state, opening = self.state, self.opening
        t = state.tally
        f = formula_values(rulebook, state)
        n = max(1, self.n_turns)
        theatre = {th.name: th for th in state.theatres}
        series = self.series
        formed, formed_early = self.formed, self.formed_early
        sums = self.sums
        m: dict[str, float | None] = {
            "rapprochement": float(t.rapprochement_turn >= 0),
            "rapprochement_turn": float(t.rapprochement_turn),
            "talks": float(self.talks),
            "talks_turn": float(self.talks_turn if self.talks_turn >= 0 else state.last_turn + 1),
            "talks_opened": float(self.talks_turn >= 0),
            "talks_opened_turn": float(self.talks_turn),
            "is_weaker": float(f["power_gap"] > 0),
            "power_gap": round(f["power_gap"], 6),
            "offshoots_formed": float(t.offshoots_formed),
            "offshoots_absorbed": float(t.offshoots_absorbed),
            "defectors_formed": float(formed["defectors"]),
            "holdouts_formed": float(formed["holdouts"]),
            "inspired_formed": float(formed["inspired"]),
            "defectors_early": float(formed_early["defectors"]),
            "absorbed_iraq": float(self.absorbed_iraq),
            "second_split": float(t.second_splits > 0),
            "second_splits": float(t.second_splits),
            "allied_turns": float(self.allied_turns),
            "peak_brutality": float(t.peak_brutality),
            "mean_is_brutality": sums["is_brutality"] / n,
            "faithful_reforms": float(sum(1 for th in state.theatres if th.faithful and th.reform >= 5)),
            "reform_achieved": float(any(th.faithful and th.reform >= 5 for th in state.theatres)),
            "is_collapse": float(t.collapse_turn >= 0),
            "collapse_turn": float(t.collapse_turn),
            "final_stage": float(state.relation.stage),
            "territory": float(sum(th.territory for th in state.theatres)),
            "periphery_change": float(_periphery_territory(state) - self.periphery_start),
            "periphery_change_y1": float(_at(series["periphery"], MARK_TURN) - self.periphery_start),
            "standing_gap_y1": float(_at(series["standing_gap"], MARK_TURN)),
            "mean_wages_services": sums["wages_services"] / n,
            "mean_is_recruitment": sums["is_recruitment"] / n,
            "avg_grievance": sum(th.grievance for th in state.theatres) / len(state.theatres),
            "total_provinces": float(sum(th.is_province for th in state.theatres)),
            "total_affiliates": float(sum(th.aq_affiliate for th in state.theatres)),
            "provinces_minus_affiliates": float(sum(th.is_province - th.aq_affiliate for th in state.theatres)),
            "offshoot_strength": float(sum(o.strength for o in state.offshoots)),
            "is_leader_hardline": float(state.islamic_state.leader.hardline),
            "aq_minus_is_standing": float(state.al_qaeda.standing - state.islamic_state.standing),
            "syria_governance": float(theatre["syria"].governance) if "syria" in theatre else 0.0,
            "mean_syria_governance": sums["syria_governance"] / n,
            "afpak_governance": float(theatre["afpak"].governance) if "afpak" in theatre else 0.0,
            # the relation
            "merger": float(self.rapprochement_turn >= 0),
            "merger_autonomy": NA if self.rapprochement_autonomy is None else float(self.rapprochement_autonomy),
            "split_turn": float(self.split_turns[0] if self.split_turns else -1),
            "split_within_8": _window(self.split_turns, self.rapprochement_turn, SPLIT_WINDOW, self.last_turn),
            # the balance of the two groups, collapse and offshoots
            "aq_weaker_after_4": float(self.aq_weaker_after_mark),
            "collapse_then_offshoot": _window(self.offshoot_turns, t.collapse_turn, OFFSHOOT_WINDOW, self.last_turn),
            # leaders and reform
            "is_leader_died": float(self.leader_death_turn["is"] >= 0),
            "is_leader_death_turn": float(self.leader_death_turn["is"]),
            "aq_leader_died": float(self.leader_death_turn["aq"] >= 0),
            "aq_leader_death_turn": float(self.leader_death_turn["aq"]),
            "leader_deaths": float(
                state.islamic_state.leader.successions - opening.islamic_state.leader.successions
                + state.al_qaeda.leader.successions - opening.al_qaeda.leader.successions),
            "iraq_faithful_reform": float(self.iraq_faithful_turn >= 0),
            "iraq_faithful_turn": float(self.iraq_faithful_turn),
            "turns": float(self.n_turns),
            # what the claims' experiments measure (see wargame.analysis.experiments.EXPERIMENTS)
            **self._claims_metrics(),
        }
        cell_points: dict[str, float] = dict.fromkeys(CELLS, 0.0)
        for sc in scores(rulebook, state):
            m[f"objective:{sc.objective}"] = float(sc.points)
            cell_points[sc.cell] = cell_points.get(sc.cell, 0.0) + sc.points
        measured = self.option_turns
        for cell in CELLS:
            m[f"cell:{cell}"] = cell_points[cell]
            m[f"orders:{cell}"] = self.orders_given[cell] / n
            m[f"no_order_turns:{cell}"] = float(self.no_order_turns[cell])
            m[f"no_order_share:{cell}"] = self.no_order_turns[cell] / n
            m[f"options:{cell}"] = self.options[cell] / measured if measured else NA
            m[f"idle_turns:{cell}"] = float(self.idle_turns[cell]) if measured else NA
            m[f"idle_share:{cell}"] = self.idle_turns[cell] / measured if measured else NA
            m[f"idle_run:{cell}"] = float(self.idle_run[cell]) if measured else NA
        for metric in (*TURN_BOUNDS, *BOUNDED):
            m[f"bound:{metric}"] = self._bound(metric, m)
        for name in TRACKS:
            lo, hi = self.at_lo[name], self.at_hi[name]
            m[f"at_bound:{name}"] = (lo + hi) / self.n_turns if self.n_turns else NA
            m[f"at_lo:{name}"] = lo / self.n_turns if self.n_turns else NA
            m[f"at_hi:{name}"] = hi / self.n_turns if self.n_turns else NA
        fired, drawn, ordered = self.fired, self.drawn, self.ordered
        for rule in rulebook.rules:
            m[f"fired:{rule.id}"] = float(rule.id in fired)
        for card in rulebook.cards:
            m[f"drawn:{card}"] = float(card in drawn)
        for kind in rulebook.orders:
            m[f"ordered:{kind.cell}:{kind.id}"] = float((kind.cell, kind.id) in ordered)
        return m

    def _claims_metrics(self) -> dict[str, float | None]:
        """The outcomes the claims read at a given turn or over the first two years: :data:`NA`
        in a game that has not (yet) lasted that long."""
        played = self.n_turns
        by_turn = self.by_turn
        year, two = played >= MARK_TURN, played >= EARLY_TURNS

        def at(values: Sequence[float], turn: int, whole: bool) -> float | None:
            return float(_at(values, turn)) if whole else NA

        provinces, affiliates = by_turn["provinces"], by_turn["affiliates"]
        start = float(self.periphery_start)
        return {
            "total_provinces_y2": at(provinces, EARLY_TURNS, two),
            "provinces_minus_affiliates_y2": (float(_at(provinces, EARLY_TURNS) - _at(affiliates, EARLY_TURNS))
                                              if two else NA),
            "periphery_start": start,
            "periphery_lost_y1": start - _at(self.series["periphery"], MARK_TURN) if year else NA,
            "mean_is_brutality_early": self.early["is_brutality"] / EARLY_TURNS if two else NA,
            "mean_is_recruitment_early": self.early["is_recruitment"] / EARLY_TURNS if two else NA,
            "mean_afpak_governance_early": self.early["afpak_governance"] / EARLY_TURNS if two else NA,
            "mean_offshoot_strength": self.offshoot_strength_sum / played if played else NA,
            "opening_offshoots_y2": at(by_turn["opening_offshoots"], EARLY_TURNS, two and bool(self._opening_ids)),
            "absorbed_iraq_y1": float(self.absorbed_iraq_y1) if year else NA,
            "syria_groups": float(sum(part for part, _, _ in groups_in(self.state, "syria"))),
        }

    def _bound(self, metric: str, m: Mapping[str, float | None]) -> float | None:
        """``bound:<metric>``: 1 if the quantity the metric is read from sat at a bound when the
        metric reads it (see :data:`BOUNDED`, :data:`TURN_BOUNDS`); :data:`NA` where the metric is."""
        value = m.get(metric)
        if value is NA or not self.n_turns:
            return NA
        if metric == "talks_turn":
            return float(value in (1.0, float(self.state.last_turn + 1)))
        if metric == "allied_turns":
            return float(value in (0.0, float(self.n_turns)))
        quantity, when = BOUNDED[metric]
        flags = self.bound_flags[quantity]
        if when in ("end", "y1", "y2"):
            turn = {"end": len(flags), "y1": MARK_TURN, "y2": EARLY_TURNS}[when]
            flag = flags[min(turn, len(flags)) - 1]  # as _at reads the metric in a shorter game
            return NA if flag is None else float(flag)
        window = [x for x in (flags if when == "most" else flags[:EARLY_TURNS]) if x is not None]
        return float(sum(window) > len(window) / 2) if window else NA

    @staticmethod
    def track_row(t: int, s: State, flat: Mapping[str, int], formulas: Mapping[str, float],
                  offshoot_strength: float) -> dict[str, float]:
        """The turn, and every track at its end under its rulebook name: the global tracks
        (``is_funds``), each theatre's (``iraq.territory``), the offshoots' count and strength,
        and the rulebook's formulas (``power_gap``)."""
        row: dict[str, float] = {"turn": t, **flat}
        for th in s.theatres:
            for name in THEATRE_TRACKS:
                row[f"{th.name}.{name}"] = getattr(th, name)
        row["offshoot_count"] = len(s.offshoots)
        row["offshoot_strength"] = offshoot_strength
        row.update(formulas)
        return row

    def result(self, index: int, seed: int) -> GameResult:
        tracks = {k: tuple(v) for k, v in self.tracks.items()} if self.tracks is not None else {}
        return GameResult(index, seed, self.metrics(), {k: tuple(v) for k, v in self.series.items()}, tracks)


def play_game(rulebook: Rulebook, scenario: str, seed: int, seats: Mapping[str, str],
              setup: Callable[[State, Rulebook], State] | None = None,
              doctrines: Iterable[tuple[str, Any]] = (), index: int = 0,
              adapt_bots: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
              keep_tracks: bool = False) -> GameResult:
    """Play one bot-only game to the end and measure it.

    ``setup`` changes the opening board (an experiment's factor); ``doctrines`` seats a doctrine
    bot configured by a :class:`~wargame.bots.doctrine.Doctrine` in some cells, ``(cell, doctrine)``;
    ``adapt_bots``, if given, receives the seated bots and returns those that play (an experiment
    may wrap one, e.g. to withhold an order from it); ``keep_tracks`` keeps every track turn by
    turn in the result (for ``simulate --series-out``)."""
    state = new_game(rulebook, scenario, seed)
    if setup is not None:
        state = setup(state, rulebook)
    bots = bots_for(seats, seed, rulebook)
    doctrines = tuple(doctrines)
    if doctrines:
        from wargame.bots.doctrine_bot import DoctrineBot

        for cell, doctrine in doctrines:
            bots[cell] = DoctrineBot(seed, rulebook=rulebook, doctrine=doctrine)
    if adapt_bots is not None:
        bots = adapt_bots(bots)
    meter = GameMeter(rulebook, state, keep_tracks)
    for turn in play(rulebook, state, bots):
        meter.add(turn)
    return meter.result(index, seed)


