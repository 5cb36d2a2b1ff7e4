"""wargame: a seminar wargame on how al-Qaeda and the Islamic State might come back together."""

__version__ = "0.2.0"
