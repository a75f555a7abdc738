"""Component ids, in one place so that pages, callbacks and browser tests agree on them.

Ids are plain strings, prefixed by the part of the screen they belong to.
"""

from __future__ import annotations

# Application shell (navbar and footer, on every screen).
NAVBAR = "shell-navbar"
NAV_LINKS = "shell-nav-links"
DEMO_BADGE = "shell-demo-badge"
LAST_LOAD = "shell-last-load"
DB_ERROR = "shell-db-error"

# Home page (data status).
HOME_TITLE = "home-title"
HOME_CARDS = "home-cards"
HOME_INGESTIONS = "home-ingestions"
HOME_ERROR = "home-error"
