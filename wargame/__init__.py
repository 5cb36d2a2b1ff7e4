"""wargame: a seminar wargame on how al-Qaeda and the Islamic State might come back together."""

__version__ = "0.1.0"
