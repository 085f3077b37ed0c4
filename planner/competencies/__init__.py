"""Competencies: the frameworks and proficiency scale (frameworks), and gap and coverage arithmetic (gaps).

Pure Python: nothing here imports Flask, SQLModel or the rest of the app.
"""
