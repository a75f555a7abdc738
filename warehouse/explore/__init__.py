"""The explorer's queries: five datasets, their filters as data, and the SQL that reads them.

`dataset_parts` says what a dataset is, `datasets` and `deliveries` define them, `filters` turns
a filter (a URL argument or a plain column filter) into bound SQL, `words` puts the Spanish word
of each code into the rows, `queries` builds and runs one view, `options` fills the menus. How
the screen says a filter (AG Grid's filterModel, Spanish captions) is dashboard.explore's.
"""
