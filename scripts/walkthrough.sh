#!/usr/bin/env bash
# A walk through the terminal UI as a newcomer meets it, in tmux at 80x24: the start screen,
# a short all-bot game played by auto-play to its end (and the game against the odds), the
# replay of that game (a step as a cell saw it, what next from there, a fork that people take
# over), a game quit half-way (and the command it prints to continue), its charts, and the help. Each screen is captured into
# a text file under OUT (default: a new folder in /tmp), and a few words are looked for in each:
# the script exits non-zero, naming what is missing, if one is not there.
#
#   scripts/walkthrough.sh [OUT]
#
# Run by hand (it takes a minute or two), not by CI. Needs tmux and the project's .venv.
set -u
cd "$(dirname "$0")/.."
OUT=${1:-$(mktemp -d /tmp/wargame-walkthrough.XXXXXX)}
mkdir -p "$OUT"
WARGAME="$PWD/.venv/bin/wargame"
SESSION="wargame-walk-$$"
SAVE="$OUT/all-bots.json"
HALF="$OUT/half-way.json"
missing=0

command -v tmux >/dev/null || { echo "walkthrough: tmux is not installed" >&2; exit 2; }
[ -x "$WARGAME" ] || { echo "walkthrough: no $WARGAME (run make play once)" >&2; exit 2; }

# a session kept for the whole walk, so that the tmux server never stops between two steps
tmux new-session -d -s "$SESSION-keep" "sleep 3600"
trap 'tmux kill-session -t "$SESSION" 2>/dev/null; tmux kill-session -t "$SESSION-keep" 2>/dev/null' EXIT

start() {  # start a command in a fresh 80x24 tmux session; the pane stays to show what it printed
  tmux kill-session -t "$SESSION" 2>/dev/null
  tmux new-session -d -s "$SESSION" -x 80 -y 24 "$1; echo; echo '[exited]'; sleep 600"
}
capture() { tmux capture-pane -p -t "$SESSION" > "$OUT/$1.txt"; }
keys() { tmux send-keys -t "$SESSION" "$@"; sleep 0.4; }
wait_for() {  # wait_for WORDS [SECONDS]: until the screen shows WORDS
  local words=$1 limit=${2:-20} i=0
  while [ "$i" -lt $((limit * 4)) ]; do
    tmux capture-pane -p -t "$SESSION" | grep -qF -- "$words" && return 0
    sleep 0.25; i=$((i + 1))
  done
  echo "walkthrough: timed out waiting for \"$words\"" >&2
  return 1
}
expect() {  # expect CAPTURE WORDS...: each WORDS must be in OUT/CAPTURE.txt
  local file="$OUT/$1.txt"; shift
  for words in "$@"; do
    if ! grep -qF -- "$words" "$file"; then
      echo "MISSING in $file: \"$words\"" >&2
      missing=$((missing + 1))
    fi
  done
}

# 1. The start screen: what it offers, and its help.
start "$WARGAME"
wait_for "New game"
capture 01-start
expect 01-start "Scenario" "2016 Q2 to 2018 Q1" "Who plays each cell" "New game" "Replay a save"
keys F1
wait_for "Keys: the start screen"
capture 02-start-help
expect 02-start-help "Keys: the start screen" "New game" "Help"
keys Escape
keys C-q
wait_for "[exited]"

# 2. A short game of bots, played by auto-play (p) at the fastest pace (+), to its end.
start "$WARGAME play --seats all=doctrine --seed 7 --save '$SAVE'"
wait_for "Result 1 of" 30
capture 03-first-walkthrough
expect 03-first-walkthrough "Turn 1" "Result 1 of" "y: why?"
keys p
keys + + +
wait_for "Auto-play" 10
capture 04-auto-play
expect 04-auto-play "Auto-play: on"
wait_for "The game is over" 240
capture 05-end
expect 05-end "The game is over" "Scores" "Against the odds"
wait_for "IS held out longer than in" 120  # bot games from the same start, played in a worker
capture 05-end-odds
expect 05-end-odds "IS held out longer than in" "scored more than in"

# 3. The replay of that game, from the end screen (r): a bot's orders with its reasons.
keys r
wait_for "Timeline" 20
capture 06-replay
expect 06-replay "Timeline" "T1 events" "Step"
keys Right
wait_for "gave" 10
capture 07-replay-orders
expect 07-replay-orders "doctrine bot" "why:" "¶"
keys F1
wait_for "Keys: the replay viewer"
capture 08-replay-help
expect 08-replay-help "Keys: the replay viewer" "Previous step" "Next step"
keys Escape

# 3a. The same step as the Coalition saw it (3), one pane at a time at 80 columns (e swaps).
keys 3
wait_for "As the Coalition saw it" 10
capture 08a-replay-as-a-cell
expect 08a-replay-as-a-cell "As the Coalition saw it" "gave its orders: secret" "e Swap"
keys e
wait_for "Showing: the White Cell's truth" 10
capture 08b-replay-the-truth
expect 08b-replay-the-truth "the White Cell's truth" "doctrine bot"
keys 0

# 3b. What next from here (n): bot games played on from this step, how they ended.
keys n
wait_for "bot games played." 120
capture 08c-what-next
expect 08c-what-next "What next from step 2" "this game" "bot games played on from"
keys Escape
wait_for "Timeline" 10

# 3c. A fork from after turn 2's events (]), the Islamic State taken over by people.
keys "]"
keys f
wait_for "Fork a new game from here" 10
capture 08d-fork
expect 08d-fork "Fork a new game from here" "right after this step" "all-bots-branch-2.json"
keys Escape
keys C-q
wait_for "[exited]"
capture 09-goodbye-over
expect 09-goodbye-over "The game is over: it is saved in" "replay"

# 4. A game quit half-way: where it is saved, and the command that continues it.
start "$WARGAME play --seats all=doctrine --seed 11 --save '$HALF'"
wait_for "Result 1 of" 30
keys C-q
wait_for "[exited]"
capture 10-goodbye
expect 10-goodbye "The game is saved in" "To continue it:" "play --load"

# 5. ... and continuing it with that command; its charts (c) on the board between turns.
start "$WARGAME play --load '$HALF'"
wait_for "Space starts turn" 30 || wait_for "Turn 1" 5
capture 11-continued
expect 11-continued "Turn"
keys Escape Escape Escape
wait_for "Space starts turn" 60
keys c
wait_for "The main tracks, turn by turn" 10
capture 12-charts
expect 12-charts "IS-held territory" "quarter" "start"
keys Escape
keys C-q
wait_for "[exited]"

echo "walkthrough: captures in $OUT"
if [ "$missing" -gt 0 ]; then
  echo "walkthrough: $missing expected words missing" >&2
  exit 1
fi
echo "walkthrough: every expected word was there"
