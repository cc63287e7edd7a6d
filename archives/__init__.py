"""Backup, move and restore: one engagement (or a whole organization) as a versioned .zip archive.

This app sits above every other one: it reads the models of engagements, retreats, planning,
monitoring and reports, and nothing imports it (pages link to its URLs). `spec.py` says which
rows an archive holds and which models are deliberately left out, `export.py` writes the archive
and `restore.py` reads it back into this instance with new ids.
"""
