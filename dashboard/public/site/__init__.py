"""The public site as static files (`python -m dashboard.public export DIR`): the live public
pages' builders written as HTML, the open data, and the assets to read them offline."""
