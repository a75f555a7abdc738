"""Who may come in and what they are offered: login, sessions, CSRF, security headers, the
pages of each role, and the accounts command."""
