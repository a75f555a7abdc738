"""What every page is drawn with: the shell, component ids, theme, formatting, components, plain
HTML and figure dicts, maps, and the goal widgets several wings share."""
