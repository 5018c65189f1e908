"""The quiz engine: banks, grading, exams, scheduling. Pure Python: knows nothing of Flask or SQLite."""
