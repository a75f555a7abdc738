"""The explorer (/explorar): datasets in a filterable grid, and their CSV and Excel exports."""
