"""The web page for policy staff (`reformsim app`): choose a reform, run it, read the answer.

`choices` turns what a reader picks into a scenario (no interface code), `page` is the Solara
page, `command` the CLI subcommand that serves it. Needs the `app` extra (solara).
"""
