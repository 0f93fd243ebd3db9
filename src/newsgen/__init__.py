"""newsgen: a static generator for a pt-PT world-news section."""

__version__ = "0.1.0"
