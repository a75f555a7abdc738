"""The weekly meeting pack: the weekly review as a PDF (`GET /revision/informe.pdf`), as the data
were known at the review date and scoped to the viewer, built server-side from HTML and SVG."""
