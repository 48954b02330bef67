"""Helpers for the notebooks and the web page (sim/app/): a scenario changed and shrunk as a
reader asks, a batch run and analysed with the project's own batch and report code, and
payment designs by result share. No interface code here: it is shared by both."""
