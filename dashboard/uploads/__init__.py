"""Files uploaded in the browser on /datos: the upload and download routes, the queue's
background runner, and the page parts (drop zone, progress, summary, quarantine)."""
