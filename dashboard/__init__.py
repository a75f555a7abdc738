"""The Dash user interface: the app factory, the shell, the pages and their components.

Only this package imports dash; it reads data through `warehouse` queries and `indicators`.
"""
