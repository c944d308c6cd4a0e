"""Progress-note formats, templates, extractive drafting and rendering."""
