"""A networked exercise: one server holds the game, each seat plays from its own terminal.

:mod:`wargame.net.protocol` is the wire format (docs/protocol.md); :mod:`wargame.net.server` the
asyncio websockets server that holds the only copy of the game (a :class:`wargame.table.session.Session`)
and sends each connection only what its seat may see. This layer never imports Textual.
"""
