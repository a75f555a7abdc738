"""Briefings and alerts by e-mail: `python -m dashboard.briefings send|alerts`, run by cron or a
systemd timer (the web workers start no scheduler)."""
