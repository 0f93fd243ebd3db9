"""newsgen: a static generator for a pt-PT world-news section."""
