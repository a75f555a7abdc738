"""One module per URL: each registers its page (dash.register_page) with its layout and thin
callbacks; the wings build what the page shows."""
